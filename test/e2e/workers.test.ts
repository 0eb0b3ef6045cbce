// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { BUILTIN, expectedOutputs, inGuest, pattern, withLatency } from './helpers.js';

const LIB = new URL('../../lib/index.js', import.meta.url);
const WORKER = new URL('./workers/run-inference.mjs', import.meta.url);

function start(data: Record<string, unknown>): Worker {
  if (!existsSync(fileURLToPath(LIB))) {
    throw new Error('lib/index.js is missing: run `npm run build:ts` before the e2e suite');
  }
  return new Worker(WORKER, { workerData: { lib: LIB.href, ...data } });
}

function message<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
}

describe.runIf(inGuest())('worker_threads (guest)', () => {
  it('two workers load the addon and run inferences at the same time', async () => {
    const jobs = [0, 1].map((device) => {
      const inputs = [0, 1, 2].map((i) => pattern(490, 10 * device + i));
      const w = start({ device, index: BUILTIN.kws.index, inputs: inputs.map((x) => [...x]) });
      return { w, inputs, answer: message<{ outputs: number[][] }>(w) };
    });
    for (const { w, inputs, answer } of jobs) {
      const { outputs } = await answer;
      expect(outputs.map((o) => new Uint8Array(o))).toEqual(
        inputs.map((x) => expectedOutputs([x], [12])[0]),
      );
      await w.terminate();
    }
  });

  it('a worker terminated while waiting for an inference shuts down cleanly', async () => {
    await withLatency(0, 1_000_000, async () => {
      const w = start({ device: 0, index: BUILTIN.kws.index, mode: 'hang' });
      expect(await message<{ waiting: boolean }>(w)).toEqual({ waiting: true });
      // The pending wait's uv handles must close with the worker's loop: no abort, exit code 1
      // as for any terminate().
      expect(await w.terminate()).toBe(1);
    });
  });
});
