// SPDX-License-Identifier: Apache-2.0
// What the firmware emulator answers for an inference, computed from its contract
// (docs/emulator.md, "INFERENCE_REQ") and never from the code under test, so the demo and the
// package test can tell a right answer from a plausible one.

/**
 * The firmware values of the PMU events the checks use: the core driver's symbolic enum
 * (shared/reference/pmu-events.md), which is what the rpmsg protocol carries.
 */
export const FIRMWARE_EVENT = Object.freeze({ NPU_ACTIVE: 5, MAC_ACTIVE: 6 });

/** Event counters per NPU family (docs/emulator.md capability table). */
export const COUNTERS = Object.freeze({ U55: 4, U65: 4, U85: 8 });

function concat(parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** OFM k byte j = (in[j mod T] + k + 1) mod 256, in = all IFM bytes in order. */
export function expectedOutputs(inputs, ofmSizes) {
  const all = concat(inputs);
  const t = all.length;
  return ofmSizes.map((size, k) => {
    const out = new Uint8Array(size);
    for (let j = 0; j < size; j++) out[j] = ((t === 0 ? 0 : all[j % t]) + k + 1) % 256;
    return out;
  });
}

/** count[i] = 1000 * event + i + T for a configured slot below the NPU's counter count. */
export function expectedPmuCount(event, slot, inputBytes, counters) {
  if (event === 0 || slot >= counters) return 0;
  return 1000 * event + slot + inputBytes;
}

/** cycles = 100000 + T + sum of the OFM sizes, when the cycle counter is enabled. */
export function expectedCycles(inputBytes, ofmSizes) {
  return 100000 + inputBytes + ofmSizes.reduce((a, b) => a + b, 0);
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The first index where two byte arrays differ, or -1. */
export function firstDifference(a, b) {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
