// SPDX-License-Identifier: Apache-2.0
// One inference as the CLI runs it: buffers sized by the network, wait with a timeout, cancel
// on timeout, and the counters read back. Shared by "run" and "bench".

import type { InferenceStatus } from '../types.js';
import type { CliBuffer, CliDevice, CliNetwork } from './library.js';

export interface Buffers {
  ifms: CliBuffer[];
  ofms: CliBuffer[];
}

/** One buffer per network input and output, of the sizes NETWORK_INFO reported. */
export function allocate(dev: CliDevice, net: CliNetwork): Buffers {
  const all: CliBuffer[] = [];
  try {
    // A zero-sized tensor still needs a buffer fd; the kernel refuses size 0, so use 1 byte.
    const ifms = net.info.ifmSizes.map((n) => track(all, dev.createBuffer(Math.max(1, n))));
    const ofms = net.info.ofmSizes.map((n) => track(all, dev.createBuffer(Math.max(1, n))));
    return { ifms, ofms };
  } catch (err) {
    for (const b of all) b.close();
    throw err;
  }
}

function track(all: CliBuffer[], b: CliBuffer): CliBuffer {
  all.push(b);
  return b;
}

export function release(bufs: Buffers | undefined): void {
  if (bufs === undefined) return;
  for (const b of [...bufs.ifms, ...bufs.ofms]) b.close();
}

/** Splits one IFM file's bytes across the input buffers, in order. */
export function fillInputs(bufs: Buffers, sizes: readonly number[], bytes: Uint8Array): void {
  let off = 0;
  sizes.forEach((n, i) => {
    (bufs.ifms[i] as CliBuffer).data.set(bytes.subarray(off, off + n));
    off += n;
  });
}

/** The concatenated OFMs, each cut to its tensor size. */
export function collectOutputs(bufs: Buffers, sizes: readonly number[]): Uint8Array {
  const out = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  let off = 0;
  sizes.forEach((n, i) => {
    out.set((bufs.ofms[i] as CliBuffer).data.subarray(0, n), off);
    off += n;
  });
  return out;
}

export interface Outcome {
  status: InferenceStatus;
  timedOut: boolean;
  /** On timeout: whether the cancel request reached the firmware in time. */
  cancelled?: boolean;
  pmuCounters: bigint[];
  cycleCount: bigint;
  latencyMs: number;
  /** Why it failed, where the device says (sim: devices). */
  detail?: string;
}

export interface JobOptions {
  pmuEvents?: number[];
  cycles?: boolean;
  timeoutMs: number;
}

export async function runInference(
  net: CliNetwork,
  bufs: Buffers,
  opts: JobOptions,
  now: () => number,
): Promise<Outcome> {
  const start = now();
  const createOpts: { pmuEvents?: number[]; cycles?: boolean } = {};
  if (opts.pmuEvents !== undefined) createOpts.pmuEvents = opts.pmuEvents;
  if (opts.cycles) createOpts.cycles = true;
  const inf = await net.createInference(bufs.ifms, bufs.ofms, createOpts);
  try {
    const done = await inf.wait(opts.timeoutMs);
    const latencyMs = now() - start;
    if (!done) {
      const cancelled = await inf.cancel();
      return {
        status: inf.status,
        timedOut: true,
        cancelled,
        pmuCounters: [],
        cycleCount: 0n,
        latencyMs,
      };
    }
    const status = inf.status;
    const ok = status === 'ok';
    const detail = ok ? undefined : inf.statusDetail;
    return {
      status,
      timedOut: false,
      pmuCounters: ok ? inf.pmuCounters : [],
      cycleCount: ok ? inf.cycleCount : 0n,
      latencyMs,
      ...(detail !== undefined ? { detail } : {}),
    };
  } finally {
    inf.close();
  }
}
