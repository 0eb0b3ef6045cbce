// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device } from '../../src/device.js';
import { failure, KWS_MODEL, useMockWorld } from './helpers/setup.js';

const world = useMockWorld();

describe('Device.createNetwork', () => {
  it('takes tensors from the TFLite model when they match NETWORK_INFO', () => {
    const net = Device.open().createNetwork(KWS_MODEL);
    expect(net.info).toEqual({ description: 'kws', ifmSizes: [490], ofmSizes: [12] });
    expect(net.model?.isVela).toBe(true);
    expect(net.inputs).toHaveLength(1);
    expect(net.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 490], byteSize: 490 });
    expect(net.inputs[0]!.quantization?.zeroPoint).toEqual([102]);
    expect(net.outputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 12], byteSize: 12 });
    expect(Object.isFrozen(net.info)).toBe(true);
  });

  it('describes built-in networks as byte tensors', () => {
    const net = Device.open().createNetwork({ index: 1 });
    expect(net.model).toBeUndefined();
    expect(net.inputs).toEqual([{ name: 'input0', dtype: 'uint8', shape: [490], byteSize: 490 }]);
    expect(net.outputs).toEqual([{ name: 'output0', dtype: 'uint8', shape: [12], byteSize: 12 }]);
  });

  it('falls back to byte tensors when the model disagrees with the firmware', () => {
    world().addDevice('/dev/ethosu1', {
      userInfo: () => ({ description: '', ifmSizes: [100], ofmSizes: [12, 4] }),
    });
    const net = Device.open(1).createNetwork(KWS_MODEL);
    expect(net.model).toBeDefined();
    expect(net.inputs.map((t) => t.dtype)).toEqual(['uint8']);
    expect(net.outputs.map((t) => t.byteSize)).toEqual([12, 4]);
  });

  it('accepts bytes that are not TFLite (no model)', () => {
    const net = Device.open().createNetwork(new Uint8Array([1, 2, 3]));
    expect(net.model).toBeUndefined();
  });

  it('closes the network fd and rethrows when NETWORK_INFO fails', async () => {
    const dev = Device.open();
    const e = await failure(() => dev.createNetwork({ index: 0 }));
    expect([e.code, e.errno, e.syscall]).toEqual(['EBADF', -9, 'ioctl(NETWORK_INFO)']);
    expect(world().openFds.size).toBe(1);
  });

  it('rejects bad sources before the kernel sees them', async () => {
    const dev = Device.open();
    for (const bad of [
      new Uint8Array(0),
      { index: -1 },
      { index: 2 ** 32 },
      { index: 0.5 },
      'x',
      null,
      5,
    ]) {
      expect((await failure(() => dev.createNetwork(bad as never))).code).toBe(
        'ERR_ETHOSU_INVALID_ARG',
      );
    }
    expect(world().openFds.size).toBe(1);
  });

  it('propagates NETWORK_CREATE errors', async () => {
    world().fail.set('createNetwork', 'EINVAL');
    const e = await failure(() => Device.open().createNetwork(KWS_MODEL));
    expect([e.code, e.syscall]).toEqual(['EINVAL', 'ioctl(NETWORK_CREATE)']);
  });
});

describe('Network.createInference', () => {
  function setup() {
    const dev = Device.open();
    const net = dev.createNetwork({ index: 1 });
    return { dev, net, ifm: dev.createBuffer(490), ofm: dev.createBuffer(12) };
  }

  it('passes fds, PMU events and the cycle flag to the kernel', () => {
    const { net, ifm, ofm } = setup();
    const inf = net.createInference([ifm], [ofm], { pmuEvents: [5, 6], cycles: true });
    const mock = world().inferences[0]!;
    expect(mock.ifms[0]!.fd).toBe(ifm.fd);
    expect(mock.ofms[0]!.fd).toBe(ofm.fd);
    expect(mock.events).toEqual([5, 6, 0, 0, 0, 0, 0, 0]);
    expect(mock.cycleEnabled).toBe(true);
    expect(inf.ifms).toEqual([ifm]);
    expect(inf.network).toBe(net);
  });

  it('checks buffer counts and sizes against the network', async () => {
    const { dev, net, ifm, ofm } = setup();
    let e = await failure(() => net.createInference([], [ofm]));
    expect(e.code).toBe('ERR_ETHOSU_SIZE_MISMATCH');
    expect(e.message).toBe('The network has 1 input(s), but 0 input buffer(s) were given');
    const small = dev.createBuffer(100);
    e = await failure(() => net.createInference([small], [ofm]));
    expect(e.message).toBe('input 0: the network expects 490 bytes, the buffer holds 100 bytes');
    e = await failure(() => net.createInference([ifm], [dev.createBuffer(11)]));
    expect(e.message).toBe('output 0: the network expects 12 bytes, the buffer holds 11 bytes');
    // Larger buffers are fine (the firmware uses the first bytes).
    net.createInference([dev.createBuffer(500)], [dev.createBuffer(16)]);
    expect(world().inferences).toHaveLength(1);
  });

  it('rejects closed, foreign and non-Buffer arguments', async () => {
    const { net, ifm, ofm } = setup();
    world().addDevice('/dev/ethosu1');
    const other = Device.open(1).createBuffer(490);
    expect((await failure(() => net.createInference([other], [ofm]))).message).toBe(
      'input buffer 0 belongs to another device (/dev/ethosu1)',
    );
    expect(
      (await failure(() => net.createInference([new Uint8Array(490)] as never, [ofm]))).code,
    ).toBe('ERR_ETHOSU_INVALID_ARG');
    expect((await failure(() => net.createInference(ifm as never, [ofm]))).code).toBe(
      'ERR_ETHOSU_INVALID_ARG',
    );
    ifm.close();
    expect((await failure(() => net.createInference([ifm], [ofm]))).code).toBe('ERR_ETHOSU_CLOSED');
  });

  it('refuses more buffers than the UAPI carries', async () => {
    const { dev, net, ofm } = setup();
    const many = Array.from({ length: 17 }, () => dev.createBuffer(490));
    const e = await failure(() => net.createInference(many, [ofm]));
    expect(e.message).toBe('At most 16 input buffers are allowed, got 17');
  });

  it('checks PMU event values', async () => {
    const { net, ifm, ofm } = setup();
    let e = await failure(() => net.createInference([ifm], [ofm], { pmuEvents: [256] }));
    expect(e.code).toBe('ERR_ETHOSU_PMU_EVENT');
    expect(e.message).toContain('pmuEvents[0] = 256 is not a firmware PMU event value (0-255)');
    e = await failure(() => net.createInference([ifm], [ofm], { pmuEvents: new Array(9).fill(1) }));
    expect(e.message).toBe('pmuEvents must be an array of at most 8 event values');
    e = await failure(() => net.createInference([ifm], [ofm], { cycles: 1 as never }));
    expect(e.code).toBe('ERR_ETHOSU_INVALID_ARG');
  });

  it('copies inputs to the device in copy mode', () => {
    const dev = Device.open(0, { zeroCopy: false });
    const net = dev.createNetwork({ index: 1 });
    const ifm = dev.createBuffer(490);
    ifm.data.fill(7);
    net.createInference([ifm], [dev.createBuffer(12)]);
    expect(world().inferences[0]!.ifms[0]!.device[489]).toBe(7);
  });

  it('fails after close, and close is idempotent and disposable', async () => {
    const { net, ifm, ofm } = setup();
    {
      using n = net;
      expect(n.closed).toBe(false);
    }
    expect(net.closed).toBe(true);
    expect((await failure(() => net.createInference([ifm], [ofm]))).code).toBe('ERR_ETHOSU_CLOSED');
    expect((await failure(() => net.fd)).code).toBe('ERR_ETHOSU_CLOSED');
    net.close();
  });
});
