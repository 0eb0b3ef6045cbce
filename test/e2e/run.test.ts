// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { Device, type EthosUError } from '../../src/index.js';
import {
  BUILTIN,
  emuKnob,
  emuStats,
  expectedCycles,
  expectedOutputs,
  expectedPmu,
  failure,
  inGuest,
  KWS_INPUT_PATH,
  KWS_PATH,
  pattern,
  setEmuKnob,
} from './helpers.js';

describe.runIf(inGuest())('Network.run (guest)', () => {
  it('runs the KWS model: int8 outputs byte for byte, PMU by name, cycles', async () => {
    using dev = Device.open(0);
    using net = await dev.loadNetwork(KWS_PATH);
    const x = new Uint8Array(readFileSync(KWS_INPUT_PATH));
    const r = await net.run(x, { pmu: ['NPU_ACTIVE', 'MAC_ACTIVE'], cycles: true });
    expect(r.status).toBe('ok');
    expect(r.outputs[0]).toBeInstanceOf(Int8Array);
    expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(expectedOutputs([x], [12])[0]);
    // U55 firmware values: NPU_ACTIVE = 5, MAC_ACTIVE = 6.
    const pmu = expectedPmu([5, 6], 490, 4);
    expect(r.pmu).toEqual({ NPU_ACTIVE: Number(pmu[0]), MAC_ACTIVE: Number(pmu[1]) });
    expect(r.cycles).toBe(Number(expectedCycles(490, [12])));
  });

  it('checks input sizes before anything is sent', async () => {
    using dev = Device.open(0);
    using net = await dev.createNetwork({ index: BUILTIN.conv2d.index });
    const before = emuStats(0).rx_inference_req ?? 0;
    const e = await failure(() => net.run(new Uint8Array(100)));
    expect(e.code).toBe('ERR_ETHOSU_SIZE_MISMATCH');
    expect(e.message).toBe('Input 0 (input0): the network expects 192 bytes, got 100 bytes');
    expect(emuStats(0).rx_inference_req ?? 0).toBe(before);
  });

  it('rejects with ERR_ETHOSU_INFERENCE when the firmware fails the inference', async () => {
    using dev = Device.open(0);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const { setEmuKnob } = await import('./helpers.js');
    setEmuKnob(0, 'fail_status', 1);
    const e = await failure(() => net.run(pattern(490, 0)));
    expect(e.code).toBe('ERR_ETHOSU_INFERENCE');
    expect((e as EthosUError & { status?: string }).status).toBe('error');
    expect((await net.run(pattern(490, 0))).status).toBe('ok');
  });

  it('a cancel the firmware refuses: ETIMEDOUT, status running; 100 more runs all right', async () => {
    using dev = Device.open(0);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const latency = emuKnob(0, 'latency_us');
    const okBefore = emuStats(0).inferences_ok ?? 0;
    try {
      setEmuKnob(0, 'latency_us', 400_000);
      setEmuKnob(0, 'refuse_cancel', 1);
      const e = await failure(() => net.run(pattern(490, 7), { timeoutMs: 50 }));
      expect(e.code).toBe('ETIMEDOUT');
      expect(e.message).toMatch(/the firmware refused to cancel it and may still be running it$/);
      expect((e as EthosUError & { status?: string }).status).toBe('running');
      expect(emuKnob(0, 'refuse_cancel')).toBe('0');
      // The refused inference is still active; the next runs queue behind it.
      setEmuKnob(0, 'latency_us', latency);
      for (let i = 0; i < 100; i++) {
        const x = pattern(490, 100 + i);
        const r = await net.run(x, { timeoutMs: 30_000 });
        expect(r.outputs[0]).toEqual(expectedOutputs([x], [12])[0]);
      }
      expect((emuStats(0).inferences_ok ?? 0) - okBefore).toBe(101);
    } finally {
      setEmuKnob(0, 'refuse_cancel', 0);
      setEmuKnob(0, 'latency_us', latency);
    }
  });

  it('drives both subsystems at once', async () => {
    using d0 = Device.open(0);
    using d1 = Device.open(1);
    expect(new Set([d0.capabilities().npu, d1.capabilities().npu])).toEqual(
      new Set(['U55', 'U65']),
    );
    using n0 = await d0.createNetwork({ index: BUILTIN.conv2d.index });
    using n1 = await d1.loadNetwork(KWS_PATH);
    const x0 = pattern(192, 3);
    const x1 = pattern(490, 4);
    const [r0, r1] = await Promise.all([
      n0.run(x0, { pmu: ['CYCLE'], cycles: true }),
      n1.run(x1, { pmu: ['NPU_IDLE'], cycles: true }),
    ]);
    expect(r0.outputs[0]).toEqual(expectedOutputs([x0], [72])[0]);
    expect(new Uint8Array(r1.outputs[0]!.buffer)).toEqual(expectedOutputs([x1], [12])[0]);
    expect(r0.pmu).toEqual({ CYCLE: Number(expectedPmu([1], 192, 4)[0]) });
    expect(r1.pmu).toEqual({ NPU_IDLE: Number(expectedPmu([2], 490, 4)[0]) });
    expect(r0.cycles).toBe(Number(expectedCycles(192, [72])));
    expect(r1.cycles).toBe(Number(expectedCycles(490, [12])));
  });
});
