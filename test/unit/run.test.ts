// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it, vi } from 'vitest';

import { Device } from '../../src/device.js';
import { EthosUError } from '../../src/errors.js';
import { MAX_IDLE_SETS } from '../../src/run.js';
import { expectedCycles, expectedPmu } from '../oracle/emulator.js';
import { MockInference, STATUS } from './helpers/mock-binding.js';
import { expectedOutput, failure, KWS_MODEL, useMockWorld } from './helpers/setup.js';

const world = useMockWorld();

function input(seed = 0): Uint8Array {
  return Uint8Array.from({ length: 490 }, (_, i) => (i * 7 + seed) % 256);
}

describe('Network.run', () => {
  it('returns typed copies of the outputs, computed from the inputs', async () => {
    const net = await Device.open().createNetwork(KWS_MODEL);
    const x = input(3);
    const r = await net.run(x);
    expect(r.status).toBe('ok');
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]).toBeInstanceOf(Int8Array); // the model's output is int8
    expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(expectedOutput(x, 12, 0));
    expect(r.pmu).toEqual({});
    expect(r.cycles).toBeUndefined();
  });

  it('gives Uint8Array outputs for networks without a model, and takes an array of inputs', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    const x = new Int8Array(490).fill(-1);
    const r = await net.run([x]);
    expect(r.outputs[0]).toBeInstanceOf(Uint8Array);
    expect([...r.outputs[0]!]).toEqual(new Array(12).fill(0));
  });

  it('accepts any view of the right byte length', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    const backing = new ArrayBuffer(600);
    const view = new DataView(backing, 10, 490);
    view.setUint8(0, 200);
    const r = await net.run(view);
    expect(r.outputs[0]![0]).toBe(201);
  });

  it('checks input counts and sizes before sending anything', async () => {
    const net = await Device.open().createNetwork(KWS_MODEL);
    let e = await failure(() => net.run(new Uint8Array(100)));
    expect(e.code).toBe('ERR_ETHOSU_SIZE_MISMATCH');
    expect(e.message).toMatch(/^Input 0 \(.+\): the network expects 490 bytes, got 100 bytes$/);
    e = await failure(() => net.run(new Float32Array(490)));
    expect(e.message).toContain('got 1960 bytes; quantize the float values first');
    e = await failure(() => net.run([new Uint8Array(490), new Uint8Array(490)]));
    expect(e.message).toBe('The network has 1 input(s), but 2 were given');
    e = await failure(() => net.run([490] as never));
    expect(e.code).toBe('ERR_ETHOSU_INVALID_ARG');
    expect(world().inferences).toHaveLength(0);
    expect(world().buffersCreated).toBe(0);
  });

  it('validates options', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    for (const opts of [
      { timeoutMs: 0 },
      { timeoutMs: -5 },
      { signal: {} },
      { cycles: 'yes' },
      { pmu: 'CYCLE' },
    ]) {
      expect((await failure(() => net.run(input(), opts as never))).code).toBe(
        'ERR_ETHOSU_INVALID_ARG',
      );
    }
  });

  it('resolves PMU event names for the NPU and reports counts by name', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    const r = await net.run(input(), { pmu: ['npu_active', 'CYCLE', 48], cycles: true });
    // U55: firmware values NPU_ACTIVE = 5, CYCLE = 1, MAC_ACTIVE (hw 48) = 6; count = 1000e+i+T.
    expect(world().inferences[0]!.events.slice(0, 3)).toEqual([5, 1, 6]);
    const pmu = expectedPmu([5, 1, 6], 490, 4);
    expect(r.pmu).toEqual({
      NPU_ACTIVE: Number(pmu[0]),
      CYCLE: Number(pmu[1]),
      MAC_ACTIVE: Number(pmu[2]),
    });
    expect(r.cycles).toBe(Number(expectedCycles(490, [12])));
  });

  it('reads status, PMU counts and cycles with one INFERENCE_STATUS per run', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    const status = vi.spyOn(MockInference.prototype, 'status');
    try {
      const r = await net.run(input(), { pmu: ['NPU_ACTIVE', 'CYCLE'], cycles: true });
      expect(r.cycles).toBe(Number(expectedCycles(490, [12])));
      expect(status).toHaveBeenCalledTimes(1);
      // A failed inference: its status and the device's detail from the same single read.
      world().resultStatus = STATUS.ERROR;
      status.mockClear();
      expect((await failure(() => net.run(input()))).code).toBe('ERR_ETHOSU_INFERENCE');
      expect(status).toHaveBeenCalledTimes(1);
    } finally {
      status.mockRestore();
    }
  });

  it('refuses unknown, duplicate and too many PMU events', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    let e = await failure(() => net.run(input(), { pmu: ['NOPE'] }));
    expect(e.code).toBe('ERR_ETHOSU_PMU_EVENT');
    expect(e.message).toContain('NPU_ACTIVE');
    e = await failure(() => net.run(input(), { pmu: ['CYCLE', 17] }));
    expect(e.message).toBe('PMU event 17 is requested twice');
    e = await failure(() =>
      net.run(input(), { pmu: ['CYCLE', 'NPU_IDLE', 'NPU_ACTIVE', 'MAC_ACTIVE', 'AO_ACTIVE'] }),
    );
    expect(e.message).toBe('The U55 NPU has 4 PMU counters, but 5 events were requested');
    expect(world().inferences).toHaveLength(0);
  });

  it('rejects with ERR_ETHOSU_INFERENCE when the firmware fails it, and reuses the buffers', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().resultStatus = STATUS.ERROR;
    const e = await failure(() => net.run(input()));
    expect(e.code).toBe('ERR_ETHOSU_INFERENCE');
    expect(e.message).toBe("The NPU firmware ended the inference with status 'error'");
    expect((e as EthosUError & { status: string }).status).toBe('error');
    world().resultStatus = STATUS.OK;
    await net.run(input());
    expect(world().buffersCreated).toBe(2);
  });

  it('times out: cancels the inference and rejects with ETIMEDOUT', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = undefined;
    const fdsBefore = world().openFds.size;
    const e = await failure(() => net.run(input(), { timeoutMs: 10 }));
    expect(e.code).toBe('ETIMEDOUT');
    expect(e.message).toBe('The inference did not finish within 10 ms and was cancelled');
    expect((e as EthosUError & { status: string }).status).toBe('aborted');
    const mock = world().inferences[0]!;
    expect(mock.cancelCalls).toBe(1);
    expect(mock.isOpen).toBe(false);
    // The buffers the firmware may still write are closed, not pooled.
    expect(world().openFds.size).toBe(fdsBefore);
  });

  it('never reuses the buffers of an inference whose cancel the firmware refused', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = undefined;
    world().refuseCancel = 1;
    const e = await failure(() => net.run(input(1), { timeoutMs: 5 }));
    expect(e.code).toBe('ETIMEDOUT');
    expect(e.message).toBe(
      'The inference did not finish within 5 ms; the firmware refused to cancel it and may ' +
        'still be running it',
    );
    expect((e as EthosUError & { status: string }).status).toBe('running');
    const refused = world().inferences[0]!;
    expect(refused.done).toBe(false);
    // While the firmware may still write them, no other inference gets those buffers.
    world().autoCompleteMs = 0;
    for (let i = 0; i < 100; i++) {
      if (i === 50) refused.complete(STATUS.OK);
      const x = input(10 + i);
      const r = await net.run(x);
      expect(r.outputs[0]).toEqual(expectedOutput(x, 12, 0));
      const later = world().inferences[i + 1]!;
      expect(later.ifms[0]).not.toBe(refused.ifms[0]);
      expect(later.ofms[0]).not.toBe(refused.ofms[0]);
    }
  });

  it('returns the results when the inference finished between the timeout and the cancel', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = undefined;
    const cancel = MockInference.prototype.cancel;
    const spy = vi.spyOn(MockInference.prototype, 'cancel').mockImplementation(function (
      this: MockInference,
    ) {
      this.complete(STATUS.OK); // the firmware answers just before the cancel arrives
      return cancel.call(this);
    });
    const x = input(4);
    const r = await net.run(x, { timeoutMs: 5 });
    spy.mockRestore();
    expect(r.status).toBe('ok');
    expect(r.outputs[0]).toEqual(expectedOutput(x, 12, 0));
    world().autoCompleteMs = 0;
    await net.run(x); // the buffers went back to the pool
    expect(world().buffersCreated).toBe(2);
  });

  it('aborts through an AbortSignal: AbortError, inference cancelled', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = undefined;
    const ac = new AbortController();
    const running = net.run(input(), { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('user gave up');
    ac.abort(reason);
    const e = await failure(() => running);
    expect(e.name).toBe('AbortError');
    expect(e.code).toBe('ABORT_ERR');
    expect(e.cause).toBe(reason);
    expect((e as EthosUError & { status: string }).status).toBe('aborted');
    expect(world().inferences[0]!.cancelCalls).toBe(1);
    expect(world().inferences[0]!.statusCode).toBe(STATUS.ABORTED);
  });

  it('rejects at once for an already aborted signal, sending nothing', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    const e = await failure(() => net.run(input(), { signal: AbortSignal.abort() }));
    expect(e.name).toBe('AbortError');
    expect(world().inferences).toHaveLength(0);
  });

  it('does not cancel when the signal fires after completion', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    const ac = new AbortController();
    await net.run(input(), { signal: ac.signal });
    ac.abort();
    expect(world().inferences[0]!.cancelCalls).toBe(0);
  });

  it('runs many inferences in flight, each with its own buffers, and pools them after', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = 5;
    const inputs = Array.from({ length: 64 }, (_, i) => input(i));
    const results = await Promise.all(inputs.map((x) => net.run(x)));
    results.forEach((r, i) => expect(r.outputs[0]).toEqual(expectedOutput(inputs[i]!, 12, 0)));
    expect(world().buffersCreated).toBe(128);
    // Every set stays open for the next wave (plus the device and the network).
    expect(world().openFds.size).toBe(2 + 64 * 2);
    await net.run(input());
    expect(world().buffersCreated).toBe(128);
    net.close();
    expect(world().openFds.size).toBe(1);
  });

  it('keeps a steady load of 64 in flight on the same buffers, wave after wave', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = 5;
    for (let wave = 0; wave < 3; wave++) {
      const inputs = Array.from({ length: 64 }, (_, i) => input(wave * 64 + i));
      const results = await Promise.all(inputs.map((x) => net.run(x)));
      results.forEach((r, i) => expect(r.outputs[0]).toEqual(expectedOutput(inputs[i]!, 12, 0)));
    }
    // Before: only 8 idle sets were kept, so each wave closed 56 sets and made 56 new ones.
    expect(world().buffersCreated).toBe(64 * 2);
  });

  it('keeps at most MAX_IDLE_SETS idle sets after a burst beyond it', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().autoCompleteMs = 5;
    const burst = MAX_IDLE_SETS + 16;
    await Promise.all(Array.from({ length: burst }, (_, i) => net.run(input(i))));
    expect(world().buffersCreated).toBe(burst * 2);
    expect(world().openFds.size).toBe(2 + MAX_IDLE_SETS * 2);
  });

  it('reuses one buffer set for sequential runs', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    for (let i = 0; i < 20; i++) await net.run(input(i));
    expect(world().buffersCreated).toBe(2);
    expect(world().inferences.every((i) => !i.isOpen)).toBe(true);
  });

  it('releases the buffers when the inference cannot be created', async () => {
    const net = await Device.open().createNetwork({ index: 1 });
    world().fail.set('createInference', 'ENOMEM');
    const e = await failure(() => net.run(input()));
    expect([e.code, e.syscall]).toEqual(['ENOMEM', 'ioctl(INFERENCE_CREATE)']);
    await net.run(input());
    expect(world().buffersCreated).toBe(2);
  });

  it('fails when the network or device is closed', async () => {
    const dev = Device.open();
    const net = await dev.createNetwork({ index: 1 });
    net.close();
    expect((await failure(() => net.run(input()))).code).toBe('ERR_ETHOSU_CLOSED');
    const net2 = await dev.createNetwork({ index: 1 });
    dev.close();
    expect((await failure(() => net2.run(input()))).code).toBe('ERR_ETHOSU_CLOSED');
    expect(world().openFds.size).toBe(0);
  });
});
