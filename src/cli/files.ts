// SPDX-License-Identifier: Apache-2.0
// Reading and writing the user's files, with messages that name the file and the reason.

import { EthosUError } from '../errors.js';
import { readTflite } from '../tflite/index.js';
import type { Context } from './context.js';
import { UsageError } from './errors.js';

/** "ENOENT: no such file or directory, open 'x'" -> "no such file or directory". */
function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const m = /^[A-Z]+: ([^,]+)/.exec(e.message ?? '');
  return m?.[1] ?? e.message ?? String(err);
}

export function readUserFile(ctx: Context, path: string, what: string): Uint8Array {
  try {
    return ctx.readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${what} '${path}': ${reason(err)}`, '');
  }
}

export function writeUserFile(ctx: Context, path: string, data: Uint8Array, what: string): void {
  try {
    ctx.writeFile(path, data);
  } catch (err) {
    throw new UsageError(`cannot write ${what} '${path}': ${reason(err)}`, '');
  }
}

/**
 * A network file: checked here to be a readable TFLite model, so a wrong file is reported as
 * the user's mistake instead of as a firmware failure to parse it.
 */
export function readNetworkFile(ctx: Context, path: string): Uint8Array {
  const bytes = readUserFile(ctx, path, 'network file');
  try {
    readTflite(bytes);
  } catch (err) {
    if (err instanceof EthosUError)
      throw new UsageError(`network file '${path}': ${err.message}`, '');
    throw err;
  }
  return bytes;
}
