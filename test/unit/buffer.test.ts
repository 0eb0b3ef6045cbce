// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it, vi } from 'vitest';

import { Device } from '../../src/device.js';
import { MockBuffer } from './helpers/mock-binding.js';
import { failure, useMockWorld } from './helpers/setup.js';

const world = useMockWorld();

afterEach(() => vi.restoreAllMocks());

describe('DmaBuffer', () => {
  it("is exported as DmaBuffer, not as Buffer (which would shadow Node's global)", async () => {
    const lib = await import('../../src/index.js');
    expect('Buffer' in lib).toBe(false);
    expect(Device.open().createBuffer(4)).toBeInstanceOf(lib.DmaBuffer);
  });

  it('exposes the mapping itself, not a copy', () => {
    const buf = Device.open().createBuffer(16);
    expect(buf.size).toBe(16);
    expect(buf.zeroCopy).toBe(true);
    expect(buf.data).toBeInstanceOf(Uint8Array);
    expect(buf.data.byteLength).toBe(16);
    expect(buf.data).toBe(buf.data);
    buf.data[3] = 0xab;
    const native = world().opened[0]!.buffers.get(buf.fd)!;
    expect(native.device[3]).toBe(0xab); // what the NPU sees
    buf.clear();
    expect([...buf.data]).toEqual(new Array(16).fill(0));
  });

  it('closes: the fd goes and data throws', async () => {
    const buf = Device.open().createBuffer(8);
    const fd = buf.fd;
    buf.close();
    expect(world().openFds.has(fd)).toBe(false);
    expect((await failure(() => buf.data)).code).toBe('ERR_ETHOSU_CLOSED');
    expect((await failure(() => buf.clear())).code).toBe('ERR_ETHOSU_CLOSED');
    buf.close(); // idempotent
  });

  it('is disposable', () => {
    const dev = Device.open();
    let fd: number;
    {
      using buf = dev.createBuffer(4);
      fd = buf.fd;
      expect(world().openFds.has(fd)).toBe(true);
    }
    expect(world().openFds.has(fd)).toBe(false);
  });

  it('warns once when the runtime forces copies', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    world().noExternalBuffers = true;
    const dev = Device.open();
    const a = dev.createBuffer(4);
    dev.createBuffer(4);
    expect(a.zeroCopy).toBe(false);
    // The module-level flag may already be set by an earlier test file run in this worker.
    expect(warn.mock.calls.length).toBeLessThanOrEqual(1);
    if (warn.mock.calls.length === 1) {
      expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'ETHOSU_NO_ZERO_COPY' });
    }
  });

  it('does not warn when copies were asked for', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const buf = Device.open(0, { zeroCopy: false }).createBuffer(4);
    expect(buf.zeroCopy).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  it('closes the native buffer when wrapping it fails', async () => {
    const dev = Device.open();
    const spy = vi.spyOn(MockBuffer.prototype, 'data', 'get').mockImplementation(() => {
      throw Object.assign(new Error('mmap failed'), { code: 'ENOMEM', syscall: 'mmap' });
    });
    const e = await failure(() => dev.createBuffer(4));
    expect([e.code, e.syscall]).toEqual(['ENOMEM', 'mmap']);
    spy.mockRestore();
    expect(world().openFds.size).toBe(1); // the device only
  });
});
