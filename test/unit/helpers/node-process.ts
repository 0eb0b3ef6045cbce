// SPDX-License-Identifier: Apache-2.0
// A child Node process for the tests that must survive (or watch) a whole process: its exit
// code, stdout and stderr, never a rejection.

import { execFile } from 'node:child_process';

export interface NodeResult {
  /** The exit code; -1 when it ended by a signal or the timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

/** `node ...args` with this test's Node binary, killed after two minutes. */
export function runNode(args: string[], cwd?: string): Promise<NodeResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
