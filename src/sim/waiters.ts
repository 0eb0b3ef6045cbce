// SPDX-License-Identifier: Apache-2.0
// The callers waiting on one in-process inference, with the addon's wait(timeoutMs) contract:
// true once it has ended, false when the timeout passes first, a rejection when its fd closes.
// Used by the sim: devices and by the unit tests' mock binding.

interface Waiter {
  resolve: (ended: boolean) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

export class InferenceWaiters {
  #waiters: Waiter[] = [];

  /** A new waiter: timeoutMs 0 answers false at once, a negative one never times out. */
  wait(timeoutMs: number): Promise<boolean> {
    if (timeoutMs === 0) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      if (timeoutMs > 0) {
        w.timer = setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          resolve(false);
        }, timeoutMs);
      }
      this.#waiters.push(w);
    });
  }

  /** The inference ended: every waiter gets true. */
  ended(): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(true);
    }
  }

  /** The fd closed: every waiter is rejected with `err`. */
  closed(err: Error): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
