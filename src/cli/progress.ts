// SPDX-License-Identifier: Apache-2.0
// A one-line progress bar on stderr, drawn only when stderr is a terminal. Lines logged while
// it is shown are printed above it.

import type { Output } from './context.js';

export interface Progress {
  tick(done: number): void;
  /** Prints a line on stdout without tearing the bar. */
  log(out: Output, line: string): void;
  finish(): void;
}

const NONE: Progress = {
  tick: () => undefined,
  log: (out, line) => out.write(line + '\n'),
  finish: () => undefined,
};

/** Minimum time between redraws, so thousands of fast inferences do not flood the terminal. */
const REDRAW_MS = 50;

export function progressBar(
  err: Output,
  total: number,
  label: string,
  now: () => number,
  enabled: boolean,
): Progress {
  if (!enabled || !err.isTTY || total < 2) return NONE;
  let done = 0;
  let drawn = false;
  let last = -Infinity;
  const start = now();

  const draw = () => {
    const width = Math.max(10, Math.min(40, err.columns - 40));
    const filled = Math.round((done / total) * width);
    const secs = (now() - start) / 1000;
    const rate = secs > 0 ? ` ${(done / secs).toFixed(1)}/s` : '';
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    err.write(`\r\x1b[2K${label} [${bar}] ${done}/${total}${rate}`);
    drawn = true;
    last = now();
  };
  const clear = () => {
    if (drawn) err.write('\r\x1b[2K');
    drawn = false;
  };

  return {
    tick(n) {
      done = n;
      if (n >= total || now() - last >= REDRAW_MS) draw();
    },
    log(out, line) {
      clear();
      out.write(line + '\n');
      draw();
    },
    finish() {
      clear();
    },
  };
}
