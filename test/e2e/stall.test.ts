// SPDX-License-Identifier: Apache-2.0
// A stalled firmware must never stall Node: network creation, a ping, more inferences than the
// firmware's 64-slot queue holds, timeouts and a cancel all wait off the event loop, and
// everything settles once the firmware resumes.
import { readFileSync, writeFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { Device, type EthosUError, type Network, type RunResult } from '../../src/index.js';
import { loopDelays, TICK_MS } from '../bench/loop-delay.js';
import { BUILTIN, expectedOutputs, inGuest, KWS_PATH, pattern, subsystemOf } from './helpers.js';

const RUNS = 80; // more than the firmware's queue (64)
const WINDOW_MS = 800;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Settles to the value or the error, so nothing is left unhandled while the test waits. */
function settle<T>(p: Promise<T>): Promise<T | EthosUError> {
  return p.then(
    (v) => v,
    (e: EthosUError) => e,
  );
}

describe.runIf(inGuest())('stalled firmware (guest)', () => {
  it('loads, pings, runs 80 inferences and cancels while stalled; the loop keeps going', async () => {
    using dev = Device.open(0);
    using net = await dev.loadNetwork({ index: BUILTIN.kws.index });
    // Written by path: a failed test may leave /dev/ethosu0 restarting, and the stall must end.
    const stallKnob = `/sys/kernel/debug/ethosu_emu/${subsystemOf(0)}/stall`;
    const model = new Uint8Array(readFileSync(KWS_PATH));
    const ifm = dev.createBuffer(490);
    const ofm = dev.createBuffer(12);
    const inputs = Array.from({ length: RUNS }, (_, i) => pattern(490, i));
    // What the loop does here with nothing to wait for (TCG and a busy host make it jittery).
    const idle = loopDelays();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const baseline = idle.stop();
    writeFileSync(stallKnob, '1');
    let stalled: number[];
    try {
      const inference = await net.createInference([ifm], [ofm]);
      const runs = inputs.map((x) => settle(net.run(x, { timeoutMs: 30_000 })));
      const loading = settle(dev.loadNetwork(model));
      const creating = settle(dev.createNetwork({ index: BUILTIN.add.index }));
      const cancelling = settle(inference.cancel());
      // The ring is full by now: PING waits for room in the kernel (up to 15 s).
      const pinging = settle(dev.ping());
      // Everything is issued (the issuing itself is CPU work: let it finish); now all of it waits
      // for the firmware (the kernel's waits: 2 s for the cancel, 3 s for NETWORK_INFO; 16 runs
      // for room in the queue).
      await new Promise((r) => setTimeout(r, 200));
      const loop = loopDelays();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      stalled = loop.stop();
      writeFileSync(stallKnob, '0');

      const loaded = await loading;
      expect(loaded).not.toBeInstanceOf(Error);
      expect((loaded as Network).info.ifmSizes).toEqual([490]);
      const created = await creating;
      expect(created).not.toBeInstanceOf(Error);
      expect((created as Network).info.ifmSizes).toEqual([...BUILTIN.add.ifm]);
      (created as Network).close();
      expect(await pinging).toBeUndefined();
      expect(typeof (await cancelling)).toBe('boolean');
      expect(await inference.wait(10_000)).toBe(true);
      inference.close();
      const results = await Promise.all(runs);
      results.forEach((r, i) => {
        expect(r).not.toBeInstanceOf(Error);
        expect((r as RunResult).outputs[0]).toEqual(expectedOutputs([inputs[i]!], [12])[0]);
      });
      (loaded as Network).close();
    } finally {
      writeFileSync(stallKnob, '0');
      ifm.close();
      ofm.close();
    }
    const [b99, s99] = [percentile(baseline, 99), percentile(stalled, 99)];
    console.log(
      `event loop, ${TICK_MS} ms timer: idle p99 ${b99.toFixed(2)} ms; while everything waited ` +
        `on the stalled firmware: ${stalled.length} ticks, p99 ${s99.toFixed(2)} ms, max ` +
        `${Math.max(...stalled).toFixed(2)} ms`,
    );
    // A kernel wait on the loop shows as a gap of seconds (2 s for a cancel, 3 s for NETWORK_INFO,
    // 15 s for room in the queue) and no ticks. Finer bounds (p99 under 5 ms) do not hold in a
    // TCG guest on a shared host, whose idle loop alone has a p99 of 8-200 ms and GC pauses of
    // tens of ms (an assertion of p99 < idle p99 + 5 ms failed there with nothing blocking): they
    // are logged above, not asserted.
    expect(stalled.length).toBeGreaterThan(WINDOW_MS / TICK_MS / 10);
    expect(Math.max(...stalled)).toBeLessThan(500);
  }, 120_000);

  it('runs whose timeout fires during the stall reject with ETIMEDOUT, nothing else', async () => {
    using dev = Device.open(0);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const stallKnob = `/sys/kernel/debug/ethosu_emu/${subsystemOf(0)}/stall`;
    writeFileSync(stallKnob, '1');
    try {
      const runs = Array.from({ length: 10 }, (_, i) =>
        settle(net.run(pattern(490, i), { timeoutMs: 200 })),
      );
      // The cancels wait for the firmware: it resumes well within the kernel's 2 s.
      await new Promise((r) => setTimeout(r, 700));
      writeFileSync(stallKnob, '0');
      // Each ends in the timeout, or (when the firmware finished it before its cancel arrived)
      // with its right output.
      const results = await Promise.all(runs);
      results.forEach((r, i) => {
        if (r instanceof Error) expect((r as EthosUError).code).toBe('ETIMEDOUT');
        else expect(r.outputs[0]).toEqual(expectedOutputs([pattern(490, i)], [12])[0]);
      });
      expect(results.some((r) => r instanceof Error)).toBe(true);
      const x = pattern(490, 99);
      expect((await net.run(x)).outputs[0]).toEqual(expectedOutputs([x], [12])[0]);
    } finally {
      writeFileSync(stallKnob, '0');
    }
  }, 60_000);
});
