// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { BUILTIN, failure, inGuest, KWS_PATH } from './helpers.js';

describe.runIf(inGuest())('Network (guest)', () => {
  it('creates a network from model bytes: NETWORK_INFO and the parsed model agree', async () => {
    using dev = Device.open();
    using net = await dev.createNetwork(readFileSync(KWS_PATH));
    expect(net.info.ifmSizes).toEqual([490]);
    expect(net.info.ofmSizes).toEqual([12]);
    expect(net.info.description).toBe((net.model?.description ?? '').slice(0, 31));
    expect(net.model?.isVela).toBe(true);
    expect(net.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 490], byteSize: 490 });
    expect(net.outputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 12], byteSize: 12 });
  });

  it('loads a network from a file path', async () => {
    using dev = Device.open(1);
    using net = await dev.loadNetwork(KWS_PATH);
    expect(net.info.ifmSizes).toEqual([490]);
    // the file was parsed too: the model's own tensor sizes
    expect(net.model?.inputs.map((t) => t.byteSize)).toEqual([490]);
    expect(net.model?.outputs.map((t) => t.byteSize)).toEqual([12]);
  });

  it('creates the built-in networks by index', async () => {
    using dev = Device.open();
    for (const b of Object.values(BUILTIN)) {
      using net = await dev.createNetwork({ index: b.index });
      expect(net.info.ifmSizes).toEqual(b.ifm);
      expect(net.info.ofmSizes).toEqual(b.ofm);
      expect(net.model).toBeUndefined();
      expect(net.inputs.map((t) => t.byteSize)).toEqual(b.ifm);
    }
  });

  it('fails on a missing built-in index with EBADF from NETWORK_INFO', async () => {
    using dev = Device.open();
    const e = await failure(() => dev.createNetwork({ index: 0 }));
    expect([e.code, e.errno, e.syscall]).toEqual(['EBADF', -9, 'ioctl(NETWORK_INFO)']);
    expect(e.message).toContain('no built-in network with this index');
  });

  it('fails on bytes the firmware cannot parse (the second quarter of a model)', async () => {
    using dev = Device.open();
    const model = readFileSync(KWS_PATH);
    const q = Math.floor(model.length / 4);
    const e = await failure(() => dev.createNetwork(model.subarray(q, 2 * q)));
    expect([e.code, e.syscall]).toEqual(['EBADF', 'ioctl(NETWORK_INFO)']);
  });

  it('reports a missing model file', async () => {
    using dev = Device.open();
    const e = await failure(() => dev.loadNetwork('/nonexistent.tflite'));
    expect([e.code, e.path]).toEqual(['ENOENT', '/nonexistent.tflite']);
  });
});
