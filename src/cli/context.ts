// SPDX-License-Identifier: Apache-2.0
// Everything a command touches outside itself, gathered so tests can replace it.

import { readFileSync, writeFileSync } from 'node:fs';

import { loadLibrary, type CliLibrary } from './library.js';

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns: number;
}

export interface Context {
  /** The library, loaded on first use. */
  library(): Promise<CliLibrary>;
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  /** Milliseconds, monotonic. */
  now(): number;
  version: string;
}

function stream(s: NodeJS.WriteStream): Output {
  return {
    write: (text) => void s.write(text),
    get isTTY() {
      return s.isTTY === true;
    },
    get columns() {
      return s.columns ?? 80;
    },
  };
}

export function processContext(version: string): Context {
  let lib: Promise<CliLibrary> | undefined;
  return {
    library: () => (lib ??= loadLibrary()),
    stdout: stream(process.stdout),
    stderr: stream(process.stderr),
    env: process.env,
    readFile: (path) => readFileSync(path),
    writeFile: (path, data) => writeFileSync(path, data),
    now: () => performance.now(),
    version,
  };
}
