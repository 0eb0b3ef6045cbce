// SPDX-License-Identifier: Apache-2.0
// The firmware emulator's documented behaviour (docs/emulator.md), written once: the NPUs it
// claims to drive and its output, PMU and cycle formulas. Every JS test, unit or end to end,
// and the mock binding take their expectations from here.

import type { NativeCapabilities } from '../../src/binding.js';

export type EmulatedNpu =
  | 'u55-32'
  | 'u55-64'
  | 'u55-128'
  | 'u55-256'
  | 'u65-256'
  | 'u65-512'
  | 'u85-128'
  | 'u85-256'
  | 'u85-512'
  | 'u85-1024'
  | 'u85-2048';

export interface NpuSpec {
  family: 'U55' | 'U65' | 'U85';
  /** MACs per cycle: 2 ** capabilities.macsPerClockCycle. */
  macs: number;
  /** PMU event counters. */
  pmuCounters: number;
  /** CAPABILITIES_REQ as the emulator answers it (raw register fields). */
  capabilities: NativeCapabilities;
}

const DRIVER = { driverPatchRev: 0, driverMinorRev: 16, driverMajorRev: 0 };
const SUBSYSTEM = 1;

function npu(
  family: NpuSpec['family'],
  log2Macs: number,
  pmuCounters: number,
  id: Omit<NativeCapabilities, 'macsPerClockCycle' | 'customDma' | 'type' | keyof typeof DRIVER>,
): NpuSpec {
  return {
    family,
    macs: 2 ** log2Macs,
    pmuCounters,
    capabilities: { ...id, macsPerClockCycle: log2Macs, customDma: 0, type: SUBSYSTEM, ...DRIVER },
  };
}

/** ID register fields of each product (the core driver's reset values, docs/emulator.md). */
const ID_U55 = {
  versionStatus: 1,
  versionMinor: 0,
  versionMajor: 2,
  productMajor: 4,
  archPatchRev: 0,
  archMinorRev: 1,
  archMajorRev: 1,
  cmdStreamVersion: 0,
};
const ID_U65 = {
  versionStatus: 1,
  versionMinor: 0,
  versionMajor: 0,
  productMajor: 6,
  archPatchRev: 6,
  archMinorRev: 0,
  archMajorRev: 1,
  cmdStreamVersion: 0,
};
const ID_U85 = {
  versionStatus: 1,
  versionMinor: 0,
  versionMajor: 0,
  productMajor: 7,
  archPatchRev: 0,
  archMinorRev: 0,
  archMajorRev: 2,
  cmdStreamVersion: 1,
};

/** kernel/emulator/emu_npu.c, field by field: every published MAC configuration. */
export const NPUS: Readonly<Record<EmulatedNpu, NpuSpec>> = {
  'u55-32': npu('U55', 5, 4, ID_U55),
  'u55-64': npu('U55', 6, 4, ID_U55),
  'u55-128': npu('U55', 7, 4, ID_U55),
  'u55-256': npu('U55', 8, 4, ID_U55),
  'u65-256': npu('U65', 8, 4, ID_U65),
  'u65-512': npu('U65', 9, 4, ID_U65),
  'u85-128': npu('U85', 7, 8, ID_U85),
  'u85-256': npu('U85', 8, 8, ID_U85),
  'u85-512': npu('U85', 9, 8, ID_U85),
  'u85-1024': npu('U85', 10, 8, ID_U85),
  'u85-2048': npu('U85', 11, 8, ID_U85),
};

/** The NPU of emulated subsystem N unless the module parameter says otherwise. */
export const DEFAULT_NPUS: readonly EmulatedNpu[] = ['u55-128', 'u65-256', 'u85-256', 'u55-256'];

const PMU_EVENT_SCALE = 1000;
const CYCLES_BASE = 100000;

/** in = the IFMs' tensor bytes concatenated (T bytes); ofm_k[j] = (in[j mod T] + k + 1) mod 256. */
export function expectedOutputs(inputs: Uint8Array[], ofmSizes: readonly number[]): Uint8Array[] {
  const all = new Uint8Array(inputs.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of inputs) {
    all.set(x, at);
    at += x.length;
  }
  const t = all.length;
  return ofmSizes.map((size, k) =>
    Uint8Array.from({ length: size }, (_, j) => ((t ? all[j % t]! : 0) + k + 1) % 256),
  );
}

/** count[i] = 1000 * e + i + T for a configured slot below the NPU's counters, else 0. */
export function expectedPmu(events: readonly number[], t: number, counters: number): bigint[] {
  return Array.from({ length: 8 }, (_, i) => {
    const e = events[i] ?? 0;
    return i < counters && e !== 0 ? BigInt(PMU_EVENT_SCALE * e + i + t) : 0n;
  });
}

/** cycles = 100000 + T + sum(osize). */
export function expectedCycles(t: number, ofmSizes: readonly number[]): bigint {
  return BigInt(CYCLES_BASE + t + ofmSizes.reduce((a, b) => a + b, 0));
}
