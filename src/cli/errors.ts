// SPDX-License-Identifier: Apache-2.0
// How failures leave the CLI: one line "ethosu: <message>", maybe a hint, and an exit code
// (1 runtime failure, 2 usage error). Stacks only with ETHOSU_DEBUG=1.

import { EthosUError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A mistake in what the user asked for: bad options, files or values. Exit code 2. The hint
 * defaults to pointing at --help; '' leaves it out.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

// Library errors that mean "what you gave me is wrong" rather than "the NPU failed".
const USER_ERROR_CODES = new Set([
  'ERR_ETHOSU_TFLITE',
  'ERR_ETHOSU_PMU_EVENT',
  'ERR_ETHOSU_INVALID_ARG',
]);

export interface Report {
  lines: string[];
  exitCode: number;
}

/** Turns anything thrown by a command into what the user sees. */
export function report(err: unknown, command: string | undefined, debug: boolean): Report {
  const lines: string[] = [];
  let exitCode = EXIT_FAILURE;
  if (err instanceof UsageError) {
    exitCode = EXIT_USAGE;
    lines.push(`ethosu: ${err.message}`);
    const hint = err.hint ?? `Try 'ethosu ${command ? command + ' ' : ''}--help'.`;
    if (hint !== '') lines.push(hint);
  } else if (err instanceof EthosUError) {
    const userFile = err.syscall === 'open' && err.path !== undefined && !isDevicePath(err.path);
    if (USER_ERROR_CODES.has(err.code) || userFile) exitCode = EXIT_USAGE;
    // The library's messages already end with what the user can do about the failure.
    lines.push(`ethosu: ${err.message}`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    lines.push(`ethosu: internal error: ${message}`);
    if (!debug) lines.push('Run with ETHOSU_DEBUG=1 for details.');
  }
  if (debug && err instanceof Error && err.stack !== undefined) lines.push(err.stack);
  return { lines, exitCode };
}

function isDevicePath(path: string): boolean {
  return path.startsWith('/dev/');
}
