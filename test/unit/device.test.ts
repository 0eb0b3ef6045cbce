// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device } from '../../src/device.js';
import { U55_CAPS } from './helpers/mock-binding.js';
import { failure, KWS_MODEL, useMockWorld } from './helpers/setup.js';
import { NPUS } from '../oracle/emulator.js';

const world = useMockWorld();

describe('Device.open', () => {
  it('opens /dev/ethosuN by number, and 0 by default', () => {
    const byIndex = Device.open(0);
    expect(byIndex.path).toBe('/dev/ethosu0');
    expect(byIndex.driverVersion).toEqual({ major: 4, minor: 0, patch: 0 });
    expect(Device.open().path).toBe('/dev/ethosu0');
    expect(Device.open('/dev/ethosu0').path).toBe('/dev/ethosu0');
  });

  it('rejects bad paths and indexes before any system call', async () => {
    for (const bad of [-1, 1.5, NaN, '', null, {}]) {
      const e = await failure(() => Device.open(bad as never));
      expect(e.code).toBe('ERR_ETHOSU_INVALID_ARG');
    }
    expect(world().openFds.size).toBe(0);
  });

  it('reports a missing device with errno, syscall and path', async () => {
    const e = await failure(() => Device.open(7));
    expect([e.code, e.errno, e.syscall, e.path]).toEqual(['ENOENT', -2, 'open', '/dev/ethosu7']);
  });

  it('refuses a legacy driver (0.0.0) with an explanation, and closes the fd', async () => {
    world().addDevice('/dev/ethosu1', { version: { major: 0, minor: 0, patch: 0 } });
    const e = await failure(() => Device.open(1));
    expect(e.code).toBe('ERR_ETHOSU_DRIVER_VERSION');
    expect(e.message).toContain('unsupported Ethos-U kernel driver version 0.0.0');
    expect(e.message).toContain('legacy driver');
    expect(e.message).toContain('needs major version 4');
    expect(world().openFds.size).toBe(0);
  });

  it('refuses newer and older majors', async () => {
    world().addDevice('/dev/ethosu1', { version: { major: 5, minor: 1, patch: 2 } });
    world().addDevice('/dev/ethosu2', { version: { major: 3, minor: 0, patch: 0 } });
    expect((await failure(() => Device.open(1))).message).toContain('5.1.2');
    expect((await failure(() => Device.open(1))).message).toContain('newer');
    expect((await failure(() => Device.open(2))).message).toContain('older');
  });

  it('closes the fd when the version request fails', async () => {
    world().fail.set('driverVersion', 'ENOTTY');
    const e = await failure(() => Device.open(0));
    expect([e.code, e.syscall]).toEqual(['ENOTTY', 'ioctl(DRIVER_VERSION_GET)']);
    expect(world().openFds.size).toBe(0);
  });

  it('validates options', async () => {
    expect((await failure(() => Device.open(0, { zeroCopy: 'no' as never }))).code).toBe(
      'ERR_ETHOSU_INVALID_ARG',
    );
  });
});

describe('Device', () => {
  it('maps capabilities to readable names and derives the NPU family', () => {
    const caps = Device.open().capabilities();
    const raw = NPUS['u55-128'].capabilities;
    expect(caps).toEqual({
      hwId: {
        versionStatus: raw.versionStatus,
        version: { major: raw.versionMajor, minor: raw.versionMinor },
        product: { major: raw.productMajor },
        architecture: { major: 1, minor: 1, patch: 0 },
      },
      // The CONFIG register's field, log2 of the MACs: 7 on a U55-128.
      hwCfg: { macsPerClockCycle: 7, cmdStreamVersion: 0, customDma: false, type: 'subsystem' },
      driver: { major: 0, minor: 16, patch: 0 },
      npu: 'U55',
    });
    expect(2 ** caps.hwCfg.macsPerClockCycle).toBe(NPUS['u55-128'].macs);
  });

  it('rejects an invalid device type from the kernel', async () => {
    world().addDevice('/dev/ethosu1', { capabilities: { ...U55_CAPS, type: 7 } });
    const e = await failure(() => Device.open(1).capabilities());
    expect(e.code).toBe('ERR_ETHOSU_CAPABILITIES');
    expect(e.message).toContain('Invalid device type 7');
  });

  it('pings, and reports ioctl failures with their errno', async () => {
    const dev = Device.open();
    const pinging = dev.ping();
    expect(pinging).toBeInstanceOf(Promise);
    expect(await pinging).toBeUndefined();
    world().fail.set('ping', 'EIO');
    const e = await failure(() => dev.ping());
    expect([e.code, e.errno, e.syscall]).toEqual(['EIO', -5, 'ioctl(PING)']);
  });

  it("reports the kernel's ETIME (the firmware did not answer) as ETIMEDOUT, errno kept", async () => {
    const dev = Device.open();
    world().fail.set('ping', 'ETIME');
    const e = await failure(() => dev.ping());
    expect([e.code, e.errno, e.syscall]).toEqual(['ETIMEDOUT', -62, 'ioctl(PING)']);
    world().fail.set('info', 'ETIME');
    const l = await failure(() => dev.loadNetwork({ index: 1 }));
    expect([l.code, l.errno, l.syscall]).toEqual(['ETIMEDOUT', -62, 'ioctl(NETWORK_INFO)']);
  });

  it('is disposable and every method fails after close', async () => {
    let dev: Device;
    {
      using d = Device.open();
      dev = d;
      expect(dev.closed).toBe(false);
    }
    expect(dev.closed).toBe(true);
    expect(world().openFds.size).toBe(0);
    for (const fn of [
      () => dev.ping(),
      () => dev.capabilities(),
      () => dev.createBuffer(4),
      () => dev.createNetwork({ index: 1 }),
      () => dev.loadNetwork({ index: 1 }),
      () => dev.loadNetwork('/nonexistent'),
    ]) {
      expect((await failure(fn)).code).toBe('ERR_ETHOSU_CLOSED');
    }
    dev.close(); // idempotent
  });

  it('closes every buffer, network and inference created from it', async () => {
    const dev = Device.open();
    const buf = dev.createBuffer(490);
    const net = await dev.createNetwork({ index: 1 });
    const out = dev.createBuffer(12);
    world().autoCompleteMs = undefined;
    const inf = await net.createInference([buf], [out]);
    const waiting = inf.wait();
    expect(world().openFds.size).toBe(5);
    dev.close();
    expect([buf.closed, out.closed, net.closed, inf.closed]).toEqual([true, true, true, true]);
    expect(world().openFds.size).toBe(0);
    expect((await failure(() => waiting)).code).toBe('ERR_ETHOSU_CLOSED');
  });

  it('validates buffer sizes', async () => {
    const dev = Device.open();
    for (const bad of [0, -1, 1.5, 2 ** 32, NaN, '4']) {
      const e = await failure(() => dev.createBuffer(bad as never));
      expect(e.code).toBe('ERR_ETHOSU_INVALID_ARG');
      expect(e.message).toContain('Buffer size must be an integer from 1 to 4294967295 bytes');
    }
  });

  it('loads a network from a file, with the model parsed', async () => {
    const path = new URL(
      '../fixtures/models/vela/kws_cnn_small_int8_u55-128_vela.tflite',
      import.meta.url,
    );
    const net = await Device.open().loadNetwork(path.pathname);
    expect(net.model?.isVela).toBe(true);
    expect(net.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 490], byteSize: 490 });
  });

  it('reports a missing network file with its errno and path', async () => {
    const e = await failure(() => Device.open().loadNetwork('/nonexistent/model.tflite'));
    expect([e.code, e.syscall, e.path]).toEqual(['ENOENT', 'open', '/nonexistent/model.tflite']);
    expect(e.errno).toBe(-2);
  });

  it('accepts any view of the model bytes', async () => {
    const dev = Device.open();
    const copy = new Uint8Array(KWS_MODEL.length + 8);
    copy.set(KWS_MODEL, 8);
    const net = await dev.createNetwork(new Uint8Array(copy.buffer, 8, KWS_MODEL.length));
    expect(net.model?.inputs.length).toBe(1);
  });
});
