// SPDX-License-Identifier: Apache-2.0
// One inference in flight on the NPU: wait for it, read its status and PMU counters, cancel it.

import { binding, call, type NativeInference, type NativeStatus } from './binding.js';
import type { DmaBuffer } from './buffer.js';
import { closedError, EthosUError, fromNative, invalidArg } from './errors.js';
import type { Network } from './network.js';
import type { InferenceStatus } from './types.js';

let statusNames: { constants: object; names: Map<number, InferenceStatus> } | undefined;

/** The library's name for a UAPI status code (codes from the addon, not re-declared here). */
export function statusName(code: number): InferenceStatus {
  const constants = binding().constants;
  if (statusNames?.constants !== constants) {
    const s = constants.STATUS;
    statusNames = {
      constants,
      names: new Map<number, InferenceStatus>([
        [s.OK, 'ok'],
        [s.ERROR, 'error'],
        [s.RUNNING, 'running'],
        [s.REJECTED, 'rejected'],
        [s.ABORTED, 'aborted'],
        [s.ABORTING, 'aborting'],
      ]),
    };
  }
  const name = statusNames.names.get(code);
  if (name === undefined) {
    throw new EthosUError(`Unknown inference status ${code} reported by the kernel`, {
      code: 'ERR_ETHOSU_STATUS',
    });
  }
  return name;
}

/** wait()'s timeout in the addon's terms: -1 = none. */
function nativeTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || timeoutMs === Infinity) return -1;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw invalidArg(`timeoutMs must be a non-negative number of milliseconds, got ${timeoutMs}`);
  }
  return timeoutMs;
}

export class Inference implements Disposable {
  readonly network: Network;
  readonly ifms: readonly DmaBuffer[];
  readonly ofms: readonly DmaBuffer[];
  #native: NativeInference | undefined;
  #tracked: WeakRef<{ close(): void }> | undefined;
  #held: boolean;

  /**
   * @internal Created by Network.createInference(). Closing the device closes it: the device
   * tracks it weakly (a dropped inference is finalised), or, for run()'s inferences, which run()
   * always closes, holds it strongly until then (`held`: no WeakRef or finalizer entry).
   */
  constructor(
    network: Network,
    native: NativeInference,
    ifms: readonly DmaBuffer[],
    ofms: readonly DmaBuffer[],
    held = false,
  ) {
    this.network = network;
    this.#native = native;
    this.ifms = Object.freeze([...ifms]);
    this.ofms = Object.freeze([...ofms]);
    this.#held = held;
    if (held) network.device.hold(this);
    else this.#tracked = network.device.track(this);
  }

  get closed(): boolean {
    return this.#native === undefined;
  }

  get #open(): NativeInference {
    if (this.#native === undefined) throw closedError('Inference');
    return this.#native;
  }

  get fd(): number {
    return this.#open.fd;
  }

  /**
   * Resolves true once the inference is done (outputs are then readable), false when
   * `timeoutMs` passed first (the inference keeps running; cancel() it if it must stop).
   * Never blocks the event loop.
   */
  async wait(timeoutMs?: number): Promise<boolean> {
    const native = this.#open;
    const timeout = nativeTimeout(timeoutMs);
    let done: boolean;
    try {
      done = await native.wait(timeout);
    } catch (err) {
      throw fromNative(err);
    }
    if (done) this.syncOutputs();
    return done;
  }

  /** @internal Copy mode: brings the outputs from the device into the buffers' data. */
  syncOutputs(): void {
    for (const ofm of this.ofms) {
      if (!ofm.zeroCopy && !ofm.closed) call(() => ofm.native.syncFromDevice());
    }
  }

  #status(): NativeStatus {
    const native = this.#open;
    return call(() => native.status());
  }

  /** INFERENCE_STATUS, read from the kernel now. */
  get status(): InferenceStatus {
    return statusName(this.#status().status);
  }

  /**
   * Asks the firmware to cancel. true iff the firmware accepted: the status then reads 'aborted'.
   * false when it had already ended, or when the firmware refused (it is running it): the status
   * then stays 'running' and the inference ends with its own result. Either way the firmware may
   * write the output buffers until wait() resolves true: do not reuse them before. The kernel
   * waits for the firmware's answer (up to 2 s) on a worker thread, never on the event loop.
   */
  async cancel(): Promise<boolean> {
    const native = this.#open;
    let status: number;
    try {
      status = await native.cancel();
    } catch (err) {
      throw fromNative(err);
    }
    return status === binding().constants.STATUS.OK;
  }

  /**
   * @internal Status, PMU counts and cycles from one INFERENCE_STATUS (the getters below each
   * ask the kernel again): run() reads its result with this.
   */
  report(): { status: InferenceStatus; detail?: string; pmuCounts: bigint[]; cycleCount: bigint } {
    const s = this.#status();
    return {
      status: statusName(s.status),
      ...(s.detail !== undefined ? { detail: s.detail } : {}),
      pmuCounts: s.pmuCounts,
      cycleCount: s.cycleCount,
    };
  }

  /** @internal Why it ended with an error, where the device says (sim: devices). */
  get statusDetail(): string | undefined {
    return this.#status().detail;
  }

  /** One count per PMU counter slot (zero where no event was configured). */
  get pmuCounters(): bigint[] {
    return this.#status().pmuCounts;
  }

  /** The PMU event values configured per slot (0 = unused). */
  get pmuEvents(): number[] {
    return this.#status().pmuEvents;
  }

  /** NPU-busy cycles (0 unless the cycle counter was enabled). */
  get cycleCount(): bigint {
    return this.#status().cycleCount;
  }

  /** Closes the fd; a pending wait() rejects with ERR_ETHOSU_CLOSED. */
  close(): void {
    const native = this.#native;
    if (native === undefined) return;
    this.#native = undefined;
    if (this.#held) this.network.device.release(this);
    else if (this.#tracked !== undefined) this.network.device.untrack(this.#tracked);
    this.#tracked = undefined;
    native.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
