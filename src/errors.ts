// SPDX-License-Identifier: Apache-2.0
// The one error class of the library, and helpers that build the library-level errors.

export interface EthosUErrorOptions {
  code: string;
  errno?: number;
  syscall?: string;
  path?: string;
  cause?: unknown;
}

/**
 * Every failure of the library. `code` is an errno name ('EINVAL', 'ETIMEDOUT', 'ENOENT', ...) for
 * system-call failures, or 'ERR_ETHOSU_...' for errors the library detects itself. Whatever timed
 * out (a run's timeoutMs, or the kernel giving up on the firmware: ETIME, kept in `errno`), the
 * code is 'ETIMEDOUT'.
 */
export class EthosUError extends Error {
  code: string;
  // Declared, not defined: absent fields stay absent (no own `errno: undefined`), as in Node.
  declare errno?: number;
  declare syscall?: string;
  declare path?: string;

  constructor(message: string, options: EthosUErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EthosUError';
    this.code = options.code;
    if (options.errno !== undefined) this.errno = options.errno;
    if (options.syscall !== undefined) this.syscall = options.syscall;
    if (options.path !== undefined) this.path = options.path;
  }
}

/** Use of a resource after close(). */
export function closedError(what: string): EthosUError {
  return new EthosUError(`${what} is closed: create a new one instead of reusing it`, {
    code: 'ERR_ETHOSU_CLOSED',
  });
}

/** A bad argument from the caller, caught before anything reaches the kernel. */
export function invalidArg(message: string): EthosUError {
  return new EthosUError(message, { code: 'ERR_ETHOSU_INVALID_ARG' });
}

/**
 * The rejection of an aborted run, shaped like Node's own AbortError (name 'AbortError', code
 * 'ABORT_ERR', the signal's reason as cause) so `err.name === 'AbortError'` checks work.
 */
export function abortError(reason: unknown): EthosUError {
  const err = new EthosUError('The inference was aborted', { code: 'ABORT_ERR', cause: reason });
  err.name = 'AbortError';
  return err;
}

/**
 * Errors thrown by the addon carry code/errno/syscall/path on a plain Error; give them the
 * library's class without losing the message or stack.
 */
export function fromNative(err: unknown): unknown {
  if (err instanceof EthosUError || !(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; errno?: unknown; syscall?: unknown; path?: unknown };
  if (typeof e.code !== 'string') return err;
  // The kernel's ETIME always means the firmware did not answer in time: one cause, one code
  // (the message and errno still say ETIME).
  const out = new EthosUError(e.message, {
    code: e.code === 'ETIME' ? 'ETIMEDOUT' : e.code,
    ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
    ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}),
    ...(typeof e.path === 'string' ? { path: e.path } : {}),
  });
  if (e.stack !== undefined) out.stack = e.stack.replace(/^Error\b/, 'EthosUError');
  return out;
}
