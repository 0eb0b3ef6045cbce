// SPDX-License-Identifier: Apache-2.0
// A network loaded into the firmware: its tensor sizes (NETWORK_INFO), its TFLite description
// when it has one, and inferences on it.

import {
  binding,
  call,
  type NativeInference,
  type NativeNetwork,
  type NativeNetworkInfo,
} from './binding.js';
import { DmaBuffer } from './buffer.js';
import type { Device } from './device.js';
import { abortError, closedError, EthosUError, invalidArg } from './errors.js';
import { Inference } from './inference.js';
import { QUEUE_TIMEOUT_MS, QueueWait } from './queue-wait.js';
import { BufferPool, runNetwork, type RunOptions, type RunResult } from './run.js';
import type { TensorInfo, TfliteModel } from './types.js';

export interface NetworkInfo {
  /** The model's description (at most 31 bytes). */
  readonly description: string;
  /** Byte size of each input (IFM), as the firmware reports it. */
  readonly ifmSizes: readonly number[];
  /** Byte size of each output (OFM). */
  readonly ofmSizes: readonly number[];
}

export interface CreateInferenceOptions {
  /** PMU event per counter slot, as the firmware takes them (0 = slot unused). */
  pmuEvents?: number[];
  /** Count NPU-busy cycles. */
  cycles?: boolean;
  /**
   * How long to wait for room in the firmware's queue when it is full (default 15000 ms, as the
   * kernel's own limit); then the promise rejects with ETIMEDOUT and nothing was sent.
   */
  queueTimeoutMs?: number;
  /** Stop waiting for room in the queue: rejects with an AbortError, nothing was sent. */
  signal?: AbortSignal;
}

/** The model's tensors when they agree with what the firmware reports, else plain byte tensors. */
function tensors(
  kind: 'input' | 'output',
  sizes: readonly number[],
  fromModel: TensorInfo[] | undefined,
): TensorInfo[] {
  if (
    fromModel !== undefined &&
    fromModel.length === sizes.length &&
    fromModel.every((t, i) => t.byteSize === sizes[i])
  ) {
    return fromModel;
  }
  return sizes.map((size, i) => ({
    name: `${kind}${i}`,
    dtype: 'uint8',
    shape: [size],
    byteSize: size,
  }));
}

function sizeMismatch(message: string): EthosUError {
  return new EthosUError(message, { code: 'ERR_ETHOSU_SIZE_MISMATCH' });
}

export class Network implements Disposable {
  readonly device: Device;
  readonly info: NetworkInfo;
  /** Set when the network came from bytes or a file that parse as TFLite. */
  readonly model?: TfliteModel;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  #native: NativeNetwork | undefined;
  #queue = new QueueWait<NativeInference>();
  /** @internal Input/output buffer sets reused by run(). */
  readonly pool: BufferPool;

  /** @internal Created by Device.createNetwork(). */
  constructor(
    device: Device,
    native: NativeNetwork,
    info: NativeNetworkInfo,
    model: TfliteModel | undefined,
  ) {
    this.device = device;
    this.#native = native;
    this.info = Object.freeze({
      description: info.description,
      ifmSizes: Object.freeze([...info.ifmSizes]),
      ofmSizes: Object.freeze([...info.ofmSizes]),
    });
    if (model !== undefined) this.model = model;
    this.inputs = Object.freeze(tensors('input', this.info.ifmSizes, model?.inputs));
    this.outputs = Object.freeze(tensors('output', this.info.ofmSizes, model?.outputs));
    this.pool = new BufferPool(device, this.info);
  }

  get closed(): boolean {
    return this.#native === undefined;
  }

  get fd(): number {
    if (this.#native === undefined) throw closedError('Network');
    return this.#native.fd;
  }

  #checkBuffers(kind: 'input' | 'output', buffers: unknown, sizes: readonly number[]): DmaBuffer[] {
    if (!Array.isArray(buffers)) throw invalidArg(`The ${kind} buffers must be an array`);
    const max = binding().constants.FD_MAX;
    if (buffers.length > max) {
      throw invalidArg(`At most ${max} ${kind} buffers are allowed, got ${buffers.length}`);
    }
    if (buffers.length !== sizes.length) {
      throw sizeMismatch(
        `The network has ${sizes.length} ${kind}(s), but ${buffers.length} ${kind} buffer(s) ` +
          'were given',
      );
    }
    buffers.forEach((b: unknown, i) => {
      if (!(b instanceof DmaBuffer))
        throw invalidArg(`${kind} buffer ${i} is not an ethos-u DmaBuffer`);
      if (b.closed) throw closedError(`${kind} buffer ${i}`);
      if (b.device !== this.device) {
        throw invalidArg(`${kind} buffer ${i} belongs to another device (${b.device.path})`);
      }
      const need = sizes[i] as number;
      if (b.size < need) {
        throw sizeMismatch(
          `${kind} ${i}: the network expects ${need} bytes, the buffer holds ${b.size} bytes`,
        );
      }
    });
    return buffers as DmaBuffer[];
  }

  /**
   * Starts an inference on `ifms` -> `ofms` (one buffer per network input and output, each at
   * least the tensor's size). Low level: see run() for the convenient form. Resolves once the
   * request is queued in the firmware; never blocks the event loop (a full queue is retried
   * with timers, see queueTimeoutMs).
   */
  async createInference(
    ifms: readonly DmaBuffer[],
    ofms: readonly DmaBuffer[],
    opts: CreateInferenceOptions = {},
  ): Promise<Inference> {
    if (this.#native === undefined) throw closedError('Network');
    const inputs = this.#checkBuffers('input', ifms, this.info.ifmSizes);
    const outputs = this.#checkBuffers('output', ofms, this.info.ofmSizes);
    const events = opts.pmuEvents ?? [];
    const maxEvents = binding().constants.PMU_EVENT_MAX;
    if (!Array.isArray(events) || events.length > maxEvents) {
      throw invalidArg(`pmuEvents must be an array of at most ${maxEvents} event values`);
    }
    events.forEach((e, i) => {
      // The firmware protocol carries one byte per event: larger values would be truncated.
      if (!Number.isInteger(e) || e < 0 || e > 255) {
        throw new EthosUError(
          `pmuEvents[${i}] = ${e} is not a firmware PMU event value (0-255); resolve event names ` +
            'with resolvePmuEvent()',
          { code: 'ERR_ETHOSU_PMU_EVENT' },
        );
      }
    });
    if (opts.cycles !== undefined && typeof opts.cycles !== 'boolean') {
      throw invalidArg('cycles must be a boolean');
    }
    const queueMs = opts.queueTimeoutMs ?? QUEUE_TIMEOUT_MS;
    if (typeof queueMs !== 'number' || !(queueMs >= 0)) {
      throw invalidArg(`queueTimeoutMs must be a non-negative number, got ${queueMs}`);
    }
    const { signal } = opts;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw invalidArg('signal must be an AbortSignal');
    }
    return this.start(inputs, outputs, events, opts.cycles ?? false, queueMs, signal, false);
  }

  /**
   * @internal createInference() after its checks; run() calls it directly with its pooled
   * buffers (`held`: see the Inference constructor).
   */
  async start(
    inputs: readonly DmaBuffer[],
    outputs: readonly DmaBuffer[],
    events: number[],
    cycles: boolean,
    queueMs: number,
    signal: AbortSignal | undefined,
    held: boolean,
  ): Promise<Inference> {
    const native = this.#native;
    if (native === undefined) throw closedError('Network');
    for (const b of inputs) if (!b.zeroCopy) call(() => b.native.syncToDevice());
    for (const b of outputs) if (!b.zeroCopy) call(() => b.native.syncToDevice());
    const ifmFds = inputs.map((b) => b.fd);
    const ofmFds = outputs.map((b) => b.fd);
    const attempt = () => {
      // A buffer closed while waiting must not lend its fd number to whatever reuses it.
      for (const b of inputs) if (b.closed) throw closedError('input buffer');
      for (const b of outputs) if (b.closed) throw closedError('output buffer');
      return call(() => native.createInference(ifmFds, ofmFds, events, cycles));
    };
    if (signal?.aborted) throw abortError(signal.reason);
    // Behind earlier waiters, or on a full queue (null): wait for room, off the event loop.
    let created = this.#queue.busy ? null : attempt();
    created ??= await this.#queue.wait(attempt, queueMs, signal);
    if (this.#native === undefined) {
      created.close();
      throw closedError('Network');
    }
    return new Inference(this, created, inputs, outputs, held);
  }

  /**
   * Runs one inference on copies of `inputs` (one view per network input, each exactly the
   * input's byte size) and resolves with copies of the outputs, typed after the model.
   */
  run(inputs: ArrayBufferView | ArrayBufferView[], opts: RunOptions = {}): Promise<RunResult> {
    return runNetwork(this, inputs, opts);
  }

  /** Closes the network and its idle pooled buffers; runs in flight finish first. */
  close(): void {
    const native = this.#native;
    if (native === undefined) return;
    this.#native = undefined;
    this.#queue.rejectAll(closedError('Network'));
    this.pool.close();
    native.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
