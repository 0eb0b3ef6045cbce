// SPDX-License-Identifier: Apache-2.0
// How late the event loop runs a timer: the measure of "never blocks the event loop" that the
// benchmark (test/bench/bench.ts) reports and the stalled-firmware suite (test/e2e/stall.test.ts)
// asserts on.

/** The interval timer's period, ms. */
export const TICK_MS = 2;

/** Delays (ms) of a TICK_MS interval timer past its due time, until stop(). */
export function loopDelays(): { stop: () => number[] } {
  const delays: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - last - TICK_MS));
    last = now;
  }, TICK_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return delays;
    },
  };
}
