// SPDX-License-Identifier: Apache-2.0
// Network.run(): one inference from input views to typed output copies, with PMU names,
// timeout and AbortSignal, on buffer sets pooled per network so many runs can be in flight.

import type { DmaBuffer } from './buffer.js';
import type { Device } from './device.js';
import { abortError, closedError, EthosUError, invalidArg } from './errors.js';
import type { Inference } from './inference.js';
import type { Network, NetworkInfo } from './network.js';
import { QUEUE_TIMEOUT_MS } from './queue-wait.js';
import { pmuCounterCount, pmuEventName, resolvePmuEvent } from './pmu/index.js';
import type { InferenceStatus, NpuFamily, TensorDType, TensorInfo } from './types.js';

export interface RunOptions {
  /** PMU events to count, by name ('NPU_ACTIVE') or hardware id; at most the NPU's counters. */
  pmu?: (string | number)[];
  /** Count NPU-busy cycles (RunResult.cycles). */
  cycles?: boolean;
  /** Cancel the inference and reject with code 'ETIMEDOUT' after this many milliseconds. */
  timeoutMs?: number;
  /** Cancel the inference and reject with an AbortError when aborted. */
  signal?: AbortSignal;
}

export type OutputArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export interface RunResult {
  /** One copy per network output, typed after the model's tensor type (Uint8Array otherwise). */
  outputs: OutputArray[];
  /** Count per requested PMU event, by event name. */
  pmu: Record<string, number>;
  /** NPU-busy cycles, when requested. */
  cycles?: number;
  status: InferenceStatus;
}

interface BufferSet {
  ifms: DmaBuffer[];
  ofms: DmaBuffer[];
}

/**
 * Idle buffer sets kept per network; more can be in flight, the surplus is closed. A set is made
 * only when none is idle, so the pool never holds more sets than were in use at once: a steady
 * load of up to 64 in flight (the firmware queue's depth) reuses its sets instead of closing
 * most of each wave's and mapping new ones.
 */
export const MAX_IDLE_SETS = 64;

/** @internal Reusable input/output buffers of one network. */
export class BufferPool {
  #idle: BufferSet[] = [];
  #closed = false;

  constructor(
    private readonly device: Device,
    private readonly info: NetworkInfo,
  ) {}

  acquire(): BufferSet {
    const set = this.#idle.pop();
    if (set !== undefined) return set;
    const made: DmaBuffer[] = [];
    try {
      // The kernel refuses empty buffers; a zero-size tensor still gets one byte.
      const make = (size: number) => {
        const b = this.device.createBuffer(Math.max(1, size));
        made.push(b);
        return b;
      };
      return { ifms: this.info.ifmSizes.map(make), ofms: this.info.ofmSizes.map(make) };
    } catch (err) {
      for (const b of made) b.close();
      throw err;
    }
  }

  /** Back for reuse, once no inference can write to it any more. */
  release(set: BufferSet): void {
    if (this.#closed || this.#idle.length >= MAX_IDLE_SETS || isClosed(set)) {
      discard(set);
    } else {
      this.#idle.push(set);
    }
  }

  close(): void {
    this.#closed = true;
    for (const set of this.#idle.splice(0)) discard(set);
  }
}

function isClosed(set: BufferSet): boolean {
  for (const b of set.ifms) if (b.closed) return true;
  for (const b of set.ofms) if (b.closed) return true;
  return false;
}

/** Closed instead of reused (the firmware may still write it; the kernel keeps it alive). */
function discard(set: BufferSet): void {
  for (const b of [...set.ifms, ...set.ofms]) b.close();
}

type TypedCtor = new (buffer: ArrayBuffer) => OutputArray;

const OUTPUT_TYPES: Partial<Record<TensorDType, TypedCtor>> = {
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  float16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

/** A copy of the first byteSize bytes of `data`, typed after the tensor. */
function outputCopy(data: Uint8Array, tensor: TensorInfo): OutputArray {
  const bytes = data.slice(0, tensor.byteSize);
  const Ctor = OUTPUT_TYPES[tensor.dtype];
  if (Ctor === undefined) return bytes;
  const element = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return bytes.byteLength % element === 0 ? new Ctor(bytes.buffer) : bytes;
}

function checkInputs(network: Network, inputs: unknown): ArrayBufferView[] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const sizes = network.info.ifmSizes;
  if (list.length !== sizes.length) {
    throw new EthosUError(
      `The network has ${sizes.length} input(s), but ${list.length} were given`,
      { code: 'ERR_ETHOSU_SIZE_MISMATCH' },
    );
  }
  list.forEach((view: unknown, i) => {
    if (!ArrayBufferView(view)) {
      throw invalidArg(`Input ${i} must be a TypedArray, Buffer or DataView`);
    }
    const expected = sizes[i] as number;
    if (view.byteLength !== expected) {
      const tensor = network.inputs[i];
      let hint = '';
      const floats = view instanceof Float32Array || view instanceof Float64Array;
      if (floats && tensor?.quantization && view.length * elementSize(tensor.dtype) === expected) {
        hint = `; quantize the float values first: quantize(values, network.inputs[${i}])`;
      }
      throw new EthosUError(
        `Input ${i}${tensor ? ` (${tensor.name})` : ''}: the network expects ${expected} bytes, ` +
          `got ${view.byteLength} bytes${hint}`,
        { code: 'ERR_ETHOSU_SIZE_MISMATCH' },
      );
    }
  });
  return list as ArrayBufferView[];
}

function ArrayBufferView(v: unknown): v is ArrayBufferView {
  return ArrayBuffer.isView(v);
}

function elementSize(dtype: TensorDType): number {
  const Ctor = OUTPUT_TYPES[dtype] as unknown as { BYTES_PER_ELEMENT: number } | undefined;
  return Ctor?.BYTES_PER_ELEMENT ?? 1;
}

function checkOptions(opts: RunOptions): void {
  if (typeof opts !== 'object' || opts === null) throw invalidArg('options must be an object');
  const { timeoutMs, signal, cycles, pmu } = opts;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw invalidArg(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArg('signal must be an AbortSignal');
  }
  if (cycles !== undefined && typeof cycles !== 'boolean') throw invalidArg('cycles: boolean');
  if (pmu !== undefined && !Array.isArray(pmu)) throw invalidArg('pmu must be an array');
}

/** Firmware event values for the requested names/ids, checked against the NPU. */
function resolveEvents(pmu: (string | number)[], npu: NpuFamily): number[] {
  const max = pmuCounterCount(npu);
  if (pmu.length > max) {
    throw new EthosUError(
      `The ${npu} NPU has ${max} PMU counters, but ${pmu.length} events were requested`,
      { code: 'ERR_ETHOSU_PMU_EVENT' },
    );
  }
  const values = pmu.map((e) => resolvePmuEvent(e, npu));
  const dup = values.findIndex((v, i) => values.indexOf(v) !== i);
  if (dup >= 0) {
    throw new EthosUError(`PMU event ${String(pmu[dup])} is requested twice`, {
      code: 'ERR_ETHOSU_PMU_EVENT',
    });
  }
  return values;
}

/** INFERENCE_CANCEL: true = acknowledged, false = refused or already done, undefined = failed. */
async function tryCancel(inference: Inference): Promise<boolean | undefined> {
  try {
    return await inference.cancel();
  } catch {
    return undefined; // the firmware is gone or restarting: nothing left to stop
  }
}

/**
 * Whether the inference has ended (its fd polls readable): only then has the firmware let go of
 * its buffers. Whatever a cancel answered, this is what decides if they may be reused.
 */
async function hasEnded(inference: Inference): Promise<boolean> {
  try {
    return await inference.wait(0);
  } catch {
    return false;
  }
}

function statusOf(inference: Inference): InferenceStatus | undefined {
  try {
    return inference.status;
  } catch {
    return undefined;
  }
}

function withStatus(err: EthosUError, status: InferenceStatus | undefined): EthosUError {
  if (status !== undefined) Object.assign(err, { status });
  return err;
}

/** @internal Network.run(). */
export async function runNetwork(
  network: Network,
  inputs: ArrayBufferView | ArrayBufferView[],
  opts: RunOptions,
): Promise<RunResult> {
  if (network.closed) throw closedError('Network');
  checkOptions(opts);
  const { signal, timeoutMs } = opts;
  if (signal?.aborted) throw abortError(signal.reason);
  const views = checkInputs(network, inputs);
  const npu = opts.pmu?.length ? network.device.capabilities().npu : 'unknown';
  const events = opts.pmu?.length ? resolveEvents(opts.pmu, npu) : [];

  const start = timeoutMs === undefined ? 0 : performance.now(); // a clock read only when needed
  const set = network.pool.acquire();
  let inference: Inference;
  try {
    views.forEach((v, i) => {
      (set.ifms[i] as DmaBuffer).data.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    });
    // A full firmware queue is waited for within the same time limit, never on the event loop.
    // The pool's buffers fit the network by construction: no createInference() checks.
    inference = await network.start(
      set.ifms,
      set.ofms,
      events,
      opts.cycles ?? false,
      timeoutMs ?? QUEUE_TIMEOUT_MS,
      signal,
      true,
    );
  } catch (err) {
    network.pool.release(set); // nothing was sent: the buffers are free
    if ((err as EthosUError).code === 'ETIMEDOUT' && timeoutMs !== undefined) {
      throw new EthosUError(
        `The inference did not finish within ${timeoutMs} ms: the firmware's queue stayed full, ` +
          'so it was never sent',
        { code: 'ETIMEDOUT', cause: err },
      );
    }
    throw err;
  }

  let onAbort: (() => void) | undefined;
  const aborted =
    signal === undefined
      ? undefined
      : new Promise<'aborted'>((resolve) => {
          onAbort = () => resolve('aborted');
          signal.addEventListener('abort', onAbort, { once: true });
        });
  const waiting = inference.wait(
    timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (performance.now() - start)),
  );
  let outcome: boolean | 'aborted';
  try {
    outcome = aborted ? await Promise.race([waiting, aborted]) : await waiting;
  } catch (err) {
    // The wait itself failed: the state of the buffers is unknown, so they are not reused.
    inference.close();
    discard(set);
    throw err;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }

  if (outcome !== true) {
    const acked = await tryCancel(inference);
    const finished = await hasEnded(inference);
    // Ended by the accepted cancel (the firmware may answer it before the cancel returns), or
    // still running: the caller gets the timeout or the abort.
    if (outcome === 'aborted' || !finished || acked === true) {
      const status = statusOf(inference);
      waiting.catch(() => {}); // settles with ERR_ETHOSU_CLOSED below
      inference.close();
      // A finished inference's buffers are free; others may still be written by the firmware
      // (the kernel keeps them alive until it answers), so they are not reused.
      if (finished) network.pool.release(set);
      else discard(set);
      if (outcome === 'aborted') throw withStatus(abortError(signal?.reason), status);
      const how =
        acked === false
          ? '; the firmware refused to cancel it and may still be running it'
          : ' and was cancelled';
      throw withStatus(
        new EthosUError(`The inference did not finish within ${timeoutMs} ms${how}`, {
          code: 'ETIMEDOUT',
        }),
        status,
      );
    }
    // It ended on its own between the timeout and the cancel: its status says the rest.
    inference.syncOutputs();
  }

  try {
    // One INFERENCE_STATUS for the status, the PMU counts and the cycles.
    const report = inference.report();
    const st = report.status;
    if (st !== 'ok') {
      throw withStatus(
        new EthosUError(
          `The NPU firmware ended the inference with status '${st}'` +
            (report.detail !== undefined ? `: ${report.detail}` : ''),
          {
            code: 'ERR_ETHOSU_INFERENCE',
          },
        ),
        st,
      );
    }
    const result: RunResult = {
      outputs: network.outputs.map((t, i) => outputCopy((set.ofms[i] as DmaBuffer).data, t)),
      pmu: {},
      status: st,
    };
    if (events.length > 0) {
      const counts = report.pmuCounts;
      events.forEach((e, i) => {
        result.pmu[pmuEventName(e, npu)] = Number(counts[i] ?? 0n);
      });
    }
    if (opts.cycles) result.cycles = Number(report.cycleCount);
    return result;
  } finally {
    inference.close();
    network.pool.release(set);
  }
}
