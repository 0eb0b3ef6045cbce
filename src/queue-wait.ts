// SPDX-License-Identifier: Apache-2.0
// Waiting for room in the firmware's queue. INFERENCE_CREATE on the O_NONBLOCK network fd
// answers EAGAIN (the addon returns null) while the transport's TX ring is full, and the kernel
// offers nothing to poll for room. One timer per network retries the oldest waiter only, so a
// full queue costs one ioctl per tick, not one per waiting inference, and order is kept.

import { abortError, EthosUError } from './errors.js';

/** The kernel's limit for a blocking sender, kept for callers that wait on a full queue. */
export const QUEUE_TIMEOUT_MS = 15_000;

/** Retry delays while the queue stays full: from 1 ms, doubling up to 16 ms. */
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 16;

interface Waiter<T> {
  attempt: () => T | null;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class QueueWait<T> {
  #line: Waiter<T>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #delay = RETRY_MIN_MS;

  /** True while someone waits: a new request must queue behind them. */
  get busy(): boolean {
    return this.#line.length > 0;
  }

  /**
   * Resolves with the first non-null result of `attempt`, tried in turn with the earlier
   * waiters; rejects with ETIMEDOUT after `timeoutMs`, or an AbortError from `signal`.
   */
  wait(attempt: () => T | null, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Waiter<T> = {
        attempt,
        resolve,
        reject,
        signal,
        timer: setTimeout(() => {
          this.#drop(w);
          reject(
            new EthosUError(
              `The NPU firmware's queue stayed full for ${timeoutMs} ms, so the inference was ` +
                'not sent: the firmware is not taking requests (stalled or overloaded)',
              { code: 'ETIMEDOUT', syscall: 'ioctl(INFERENCE_CREATE)' },
            ),
          );
        }, timeoutMs),
        onAbort: () => {
          this.#drop(w);
          reject(abortError(signal?.reason));
        },
      };
      signal?.addEventListener('abort', w.onAbort, { once: true });
      this.#line.push(w);
      this.#schedule();
    });
  }

  /** Rejects every waiter (the network is closing). */
  rejectAll(err: unknown): void {
    for (const w of [...this.#line]) {
      this.#drop(w);
      w.reject(err);
    }
  }

  #drop(w: Waiter<T>): void {
    const i = this.#line.indexOf(w);
    if (i >= 0) this.#line.splice(i, 1);
    clearTimeout(w.timer);
    w.signal?.removeEventListener('abort', w.onAbort);
    if (this.#line.length === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#delay = RETRY_MIN_MS;
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#line.length === 0) return;
    this.#timer = setTimeout(() => this.#pump(), this.#delay);
  }

  #pump(): void {
    this.#timer = undefined;
    for (let w = this.#line[0]; w !== undefined; w = this.#line[0]) {
      let got: T | null;
      try {
        got = w.attempt();
      } catch (err) {
        this.#drop(w);
        w.reject(err);
        continue;
      }
      if (got === null) {
        this.#delay = Math.min(2 * this.#delay, RETRY_MAX_MS);
        this.#schedule();
        return;
      }
      this.#delay = RETRY_MIN_MS;
      this.#drop(w);
      w.resolve(got);
    }
  }
}
