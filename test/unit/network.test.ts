// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device } from '../../src/device.js';
import { expectedOutput, failure, KWS_MODEL, useMockWorld } from './helpers/setup.js';

const world = useMockWorld();

describe('Device.createNetwork', () => {
  it('never calls the kernel on the calling thread: the worker path, a Promise', async () => {
    const dev = Device.open();
    const native = dev.native as unknown as Record<string, (...a: unknown[]) => unknown>;
    // The mock's worker (loadNetwork) may use the synchronous calls; the library itself may not.
    let onWorker = false;
    const load = native.loadNetwork!.bind(native);
    native.loadNetwork = (src) => {
      onWorker = true;
      return load(src);
    };
    for (const name of ['createNetwork', 'createNetworkIndex']) {
      const sync = native[name]!.bind(native);
      native[name] = (...a) => {
        if (!onWorker) throw new Error(`${name} on the event loop (NETWORK_INFO waits up to 3 s)`);
        return sync(...a);
      };
    }
    const pending = dev.createNetwork({ index: 1 });
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).info.ifmSizes).toEqual([490]);
    expect((await dev.createNetwork(KWS_MODEL)).info.ofmSizes).toEqual([12]);
  });

  it('takes tensors from the TFLite model when they match NETWORK_INFO', async () => {
    const net = await Device.open().createNetwork(KWS_MODEL);
    expect(net.info).toEqual({ description: 'kws', ifmSizes: [490], ofmSizes: [12] });
    expect(net.model?.isVela).toBe(true);
    expect(net.inputs).toHaveLength(1);
    expect(net.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 490], byteSize: 490 });
    expect(net.inputs[0]!.quantization?.zeroPoint).toEqual([102]);
    expect(net.outputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 12], byteSize: 12 });
    expect(Object.isFrozen(net.info)).toBe(true);
  });

  it('describes built-in networks as byte tensors', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    expect(net.model).toBeUndefined();
    expect(net.inputs).toEqual([{ name: 'input0', dtype: 'uint8', shape: [490], byteSize: 490 }]);
    expect(net.outputs).toEqual([{ name: 'output0', dtype: 'uint8', shape: [12], byteSize: 12 }]);
  });

  it('falls back to byte tensors when the model disagrees with the firmware', async () => {
    world().addDevice('/dev/ethosu1', {
      userInfo: () => ({ description: '', ifmSizes: [100], ofmSizes: [12, 4] }),
    });
    const net = await Device.open(1).createNetwork(KWS_MODEL);
    expect(net.model).toBeDefined();
    expect(net.inputs.map((t) => t.dtype)).toEqual(['uint8']);
    expect(net.outputs.map((t) => t.byteSize)).toEqual([12, 4]);
  });

  it('accepts bytes that are not TFLite (no model)', async () => {
    const net = await Device.open().createNetwork(new Uint8Array([1, 2, 3]));
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
  async function setup() {
    const dev = Device.open();
    const net = await dev.createNetwork({ index: 1 });
    return { dev, net, ifm: dev.createBuffer(490), ofm: dev.createBuffer(12) };
  }

  it('passes fds, PMU events and the cycle flag to the kernel', async () => {
    const { net, ifm, ofm } = await setup();
    const inf = await net.createInference([ifm], [ofm], { pmuEvents: [5, 6], cycles: true });
    const mock = world().inferences[0]!;
    expect(mock.ifms[0]!.fd).toBe(ifm.fd);
    expect(mock.ofms[0]!.fd).toBe(ofm.fd);
    expect(mock.events).toEqual([5, 6, 0, 0, 0, 0, 0, 0]);
    expect(mock.cycleEnabled).toBe(true);
    expect(inf.ifms).toEqual([ifm]);
    expect(inf.network).toBe(net);
  });

  it('checks buffer counts and sizes against the network', async () => {
    const { dev, net, ifm, ofm } = await setup();
    let e = await failure(() => net.createInference([], [ofm]));
    expect(e.code).toBe('ERR_ETHOSU_SIZE_MISMATCH');
    expect(e.message).toBe('The network has 1 input(s), but 0 input buffer(s) were given');
    const small = dev.createBuffer(100);
    e = await failure(() => net.createInference([small], [ofm]));
    expect(e.message).toBe('input 0: the network expects 490 bytes, the buffer holds 100 bytes');
    e = await failure(() => net.createInference([ifm], [dev.createBuffer(11)]));
    expect(e.message).toBe('output 0: the network expects 12 bytes, the buffer holds 11 bytes');
    // Larger buffers are fine (the firmware uses the first bytes).
    await net.createInference([dev.createBuffer(500)], [dev.createBuffer(16)]);
    expect(world().inferences).toHaveLength(1);
  });

  it('rejects closed, foreign and non-Buffer arguments', async () => {
    const { net, ifm, ofm } = await setup();
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
    const { dev, net, ofm } = await setup();
    const many = Array.from({ length: 17 }, () => dev.createBuffer(490));
    const e = await failure(() => net.createInference(many, [ofm]));
    expect(e.message).toBe('At most 16 input buffers are allowed, got 17');
  });

  it('checks PMU event values', async () => {
    const { net, ifm, ofm } = await setup();
    let e = await failure(() => net.createInference([ifm], [ofm], { pmuEvents: [256] }));
    expect(e.code).toBe('ERR_ETHOSU_PMU_EVENT');
    expect(e.message).toContain('pmuEvents[0] = 256 is not a firmware PMU event value (0-255)');
    e = await failure(() => net.createInference([ifm], [ofm], { pmuEvents: new Array(9).fill(1) }));
    expect(e.message).toBe('pmuEvents must be an array of at most 8 event values');
    e = await failure(() => net.createInference([ifm], [ofm], { cycles: 1 as never }));
    expect(e.code).toBe('ERR_ETHOSU_INVALID_ARG');
  });

  it('copies inputs to the device in copy mode', async () => {
    const dev = Device.open(0, { zeroCopy: false });
    const net = await dev.createNetwork({ index: 1 });
    const ifm = dev.createBuffer(490);
    ifm.data.fill(7);
    await net.createInference([ifm], [dev.createBuffer(12)]);
    expect(world().inferences[0]!.ifms[0]!.device[489]).toBe(7);
  });

  it('fails after close, and close is idempotent and disposable', async () => {
    const { net, ifm, ofm } = await setup();
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

describe('a full firmware queue (INFERENCE_CREATE answers EAGAIN)', () => {
  async function setup() {
    const dev = Device.open();
    const net = await dev.createNetwork({ index: 1 });
    world().autoCompleteMs = undefined;
    world().queueCapacity = 2;
    const make = () => net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
    return { dev, net, make };
  }

  it('createInference waits for room with timers, never on the event loop', async () => {
    const { make } = await setup();
    await make();
    await make();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const third = make();
    await new Promise((r) => setTimeout(r, 30));
    expect(world().inferences).toHaveLength(2); // still waiting for room
    expect(ticks).toBeGreaterThan(0); // the loop ran while it waited
    world().inferences[0]!.complete(0);
    const inf = await third;
    clearInterval(timer);
    expect(world().inferences).toHaveLength(3);
    expect(inf.status).toBe('running');
  });

  it('gives up after queueTimeoutMs with ETIMEDOUT, or on abort, having sent nothing', async () => {
    const { make, net, dev } = await setup();
    await make();
    await make();
    const bufs = () => [[dev.createBuffer(490)], [dev.createBuffer(12)]] as const;
    const t0 = performance.now();
    const [i1, o1] = bufs();
    const e = await failure(() => net.createInference(i1, o1, { queueTimeoutMs: 20 }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    expect([e.code, e.syscall]).toEqual(['ETIMEDOUT', 'ioctl(INFERENCE_CREATE)']);
    expect(e.message).toMatch(/^The NPU firmware's queue stayed full for 20 ms/);
    const [i2, o2] = bufs();
    const e2 = await failure(() =>
      net.createInference(i2, o2, { signal: AbortSignal.timeout(10) }),
    );
    expect(e2.name).toBe('AbortError');
    expect(world().inferences).toHaveLength(2);
  });

  it('run() keeps more inferences in flight than the queue holds; all outputs right', async () => {
    const { net } = await setup();
    world().queueCapacity = 64;
    world().autoCompleteMs = 2;
    const inputs = Array.from({ length: 80 }, (_, i) =>
      Uint8Array.from({ length: 490 }, (_, j) => (i * 13 + j) % 256),
    );
    const results = await Promise.all(inputs.map((x) => net.run(x, { timeoutMs: 10_000 })));
    results.forEach((r, i) => expect(r.outputs[0]).toEqual(expectedOutput(inputs[i]!, 12, 0)));
  });

  it('run() with a queue that stays full: ETIMEDOUT within timeoutMs, buffers reused', async () => {
    const { net, make } = await setup();
    await make();
    await make();
    const created = world().buffersCreated;
    const e = await failure(() => net.run(new Uint8Array(490), { timeoutMs: 20 }));
    expect(e.code).toBe('ETIMEDOUT');
    expect(e.message).toBe(
      "The inference did not finish within 20 ms: the firmware's queue stayed full, so it was " +
        'never sent',
    );
    world().queueCapacity = Infinity;
    world().autoCompleteMs = 0;
    await net.run(new Uint8Array(490));
    expect(world().buffersCreated).toBe(created + 2); // the set of the unsent run, reused
  });
});

describe('Device.loadNetwork', () => {
  it('loads from bytes or an index without blocking, on a copy of the bytes', async () => {
    const dev = Device.open();
    const bytes = KWS_MODEL.slice();
    const loading = dev.loadNetwork(bytes);
    bytes.fill(0); // the caller may reuse its array at once
    const net = await loading;
    expect(net.model?.isVela).toBe(true);
    expect(net.info.ifmSizes).toEqual([490]);
    const byIndex = await dev.loadNetwork({ index: 1 });
    expect(byIndex.info.description).toBe('builtin');
  });

  it('closes the network fd when NETWORK_INFO fails, and checks its source', async () => {
    const dev = Device.open();
    const fds = world().openFds.size;
    world().fail.set('info', 'EBADF');
    const e = await failure(() => dev.loadNetwork({ index: 1 }));
    expect([e.code, e.syscall]).toEqual(['EBADF', 'ioctl(NETWORK_INFO)']);
    expect(world().openFds.size).toBe(fds);
    expect((await failure(() => dev.loadNetwork(new Uint8Array(0)))).code).toBe(
      'ERR_ETHOSU_INVALID_ARG',
    );
  });
});
