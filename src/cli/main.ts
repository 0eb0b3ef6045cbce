#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The "ethosu" executable (package bin): runs the CLI on the process's arguments and streams.

import { readFileSync } from 'node:fs';

import { runCli } from './cli.js';
import { processContext } from './context.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

// "ethosu info | head -1": a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

const code = await runCli(process.argv.slice(2), processContext(packageVersion()));
// Let pending output drain instead of cutting it off with process.exit().
process.exitCode = code;
