// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device, resolvePmuEvent } from '../../src/index.js';
import {
  BUILTIN,
  emuStats,
  expectedCycles,
  expectedOutputs,
  expectedPmu,
  failure,
  inGuest,
  pattern,
  setEmuKnob,
  withLatency,
} from './helpers.js';

describe.runIf(inGuest())('Inference (guest)', () => {
  it('runs: outputs byte for byte, PMU counts and cycles as the emulator documents', async () => {
    using dev = Device.open(0);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    using ifm = dev.createBuffer(490);
    using ofm = dev.createBuffer(16); // larger than the tensor: bytes past 12 stay untouched
    const x = pattern(490, 1);
    ifm.data.set(x);
    ofm.data.fill(0xee);
    const events = [resolvePmuEvent('NPU_ACTIVE', 'U55'), 0, resolvePmuEvent('CYCLE', 'U55'), 9, 7];
    using inf = await net.createInference([ifm], [ofm], { pmuEvents: events, cycles: true });
    expect(await inf.wait(10_000)).toBe(true);
    expect(inf.status).toBe('ok');
    expect(ofm.data.subarray(0, 12)).toEqual(expectedOutputs([x], [12])[0]);
    expect([...ofm.data.subarray(12)]).toEqual([0xee, 0xee, 0xee, 0xee]);
    expect(inf.pmuEvents).toEqual([...events, 0, 0, 0]);
    // U55: 4 event counters; slot 4 reads 0 even though an event was configured.
    expect(inf.pmuCounters).toEqual(expectedPmu(events, 490, 4));
    expect(inf.cycleCount).toBe(expectedCycles(490, [12]));
    expect(await inf.cancel()).toBe(false); // already done
  });

  it('concatenates several inputs (built-in ADD network: 2 x 4 bytes)', async () => {
    using dev = Device.open(1);
    using net = await dev.createNetwork({ index: BUILTIN.add.index });
    const a = dev.createBuffer(4);
    const b = dev.createBuffer(4);
    const out = dev.createBuffer(4);
    a.data.set([250, 1, 2, 3]);
    b.data.set([4, 5, 6, 255]);
    using inf = await net.createInference([a, b], [out]);
    expect(await inf.wait(10_000)).toBe(true);
    expect(out.data).toEqual(expectedOutputs([a.data, b.data], [4])[0]);
    expect([...out.data]).toEqual([251, 2, 3, 4]);
  });

  it('wait(timeout) resolves false while the inference still runs, then true', async () => {
    await withLatency(0, 300_000, async () => {
      using dev = Device.open(0);
      using net = await dev.createNetwork({ index: BUILTIN.kws.index });
      using inf = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
      const t0 = performance.now();
      expect(await inf.wait(50)).toBe(false);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
      expect(inf.status).toBe('running');
      expect(await inf.wait(0)).toBe(false);
      expect(await inf.wait(10_000)).toBe(true);
      expect(inf.status).toBe('ok');
    });
  });

  it('several waits on one inference all settle', async () => {
    await withLatency(0, 100_000, async () => {
      using dev = Device.open(0);
      using net = await dev.createNetwork({ index: BUILTIN.kws.index });
      using inf = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
      const r = await Promise.all([inf.wait(), inf.wait(10), inf.wait(10_000), inf.wait()]);
      expect(r).toEqual([true, false, true, true]);
    });
  });

  it('cancels a queued inference: cancel() true, status aborted, the fd turns readable', async () => {
    await withLatency(0, 500_000, async () => {
      using dev = Device.open(0);
      using net = await dev.createNetwork({ index: BUILTIN.kws.index });
      const make = () => net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
      using first = await make(); // being processed
      using queued = await make(); // waiting behind it
      const before = emuStats(0).inferences_aborted ?? 0;
      expect(queued.status).toBe('running');
      expect(await queued.cancel()).toBe(true);
      expect(queued.status).toBe('aborted');
      expect(await queued.wait(5_000)).toBe(true);
      expect(queued.status).toBe('aborted');
      expect(emuStats(0).inferences_aborted).toBe(before + 1);
      expect(await first.wait(10_000)).toBe(true);
      expect(first.status).toBe('ok');
    });
  });

  it('reports firmware failures as the inference status', async () => {
    using dev = Device.open(1);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const run = async () => {
      using inf = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
      expect(await inf.wait(10_000)).toBe(true);
      return inf.status;
    };
    setEmuKnob(1, 'fail_status', 1);
    expect(await run()).toBe('error');
    setEmuKnob(1, 'reject', 1);
    expect(await run()).toBe('rejected');
    expect(await run()).toBe('ok');
  });

  it('close() during a wait rejects it with ERR_ETHOSU_CLOSED', async () => {
    await withLatency(0, 200_000, async () => {
      using dev = Device.open(0);
      using net = await dev.createNetwork({ index: BUILTIN.kws.index });
      const inf = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
      const waiting = inf.wait();
      inf.close();
      expect((await failure(() => waiting)).code).toBe('ERR_ETHOSU_CLOSED');
    });
  });

  it('refuses a closed buffer before the kernel sees it', async () => {
    using dev = Device.open(0);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const b = dev.createBuffer(490);
    b.close();
    const e = await failure(() => net.createInference([b], [dev.createBuffer(12)]));
    expect([e.code, e.message]).toEqual([
      'ERR_ETHOSU_CLOSED',
      'input buffer 0 is closed: create a new one instead of reusing it',
    ]);
  });
});
