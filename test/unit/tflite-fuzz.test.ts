// SPDX-License-Identifier: Apache-2.0
// Damaged models: every truncation of a small model, and seeded random byte flips, must either
// parse into a well-formed result or throw EthosUError 'ERR_ETHOSU_TFLITE'; nothing else.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { EthosUError } from '../../src/errors.js';
import { readTflite } from '../../src/tflite/index.js';
import type { TfliteModel } from '../../src/types.js';

const MODELS = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

/** Parses and checks the result's invariants; returns 'ok' or 'rejected'. */
function attempt(bytes: Uint8Array): 'ok' | 'rejected' {
  let m: TfliteModel;
  try {
    m = readTflite(bytes);
  } catch (err) {
    if (!(err instanceof EthosUError) || err.code !== 'ERR_ETHOSU_TFLITE') {
      throw new Error(`unexpected error: ${String(err)}`, { cause: err });
    }
    expect(err.message).toMatch(/^Invalid TFLite model: /);
    return 'rejected';
  }
  for (const t of [...m.inputs, ...m.outputs]) {
    expect(Number.isSafeInteger(t.byteSize) && t.byteSize >= 0).toBe(true);
    expect(t.shape.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
    expect(typeof t.name).toBe('string');
  }
  expect(m.operators.every((o) => typeof o === 'string')).toBe(true);
  return 'ok';
}

/** xorshift32: deterministic, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe('truncated models', () => {
  for (const name of ['plain/test_softmax_int8.tflite', 'plain/test_add_int8.tflite']) {
    it(`${name}: every prefix is rejected, only the whole file parses`, () => {
      const whole = readFileSync(MODELS + name);
      expect(attempt(whole)).toBe('ok');
      for (let len = 0; len < whole.length; len++) {
        // The root table and its vectors reach to the last bytes, so every cut must be caught.
        expect(attempt(whole.subarray(0, len)), `prefix of ${len} bytes`).toBe('rejected');
      }
    });
  }

  it('a Vela model cut at 257 points never escapes as anything but ERR_ETHOSU_TFLITE', () => {
    const whole = readFileSync(MODELS + 'vela/kws_cnn_small_int8_u85-256_vela.tflite');
    const step = Math.floor(whole.length / 256);
    for (let len = 0; len < whole.length; len += step) attempt(whole.subarray(0, len));
  });
});

describe('random byte flips', () => {
  const cases = [
    ['plain/test_conv2d_int8.tflite', 3000],
    ['plain/hello_world_int8.tflite', 2000],
    ['vela/kws_cnn_small_int8_u55-128_vela.tflite', 400],
  ] as const;

  for (const [name, rounds] of cases) {
    it(`${name}: ${rounds} seeded mutations`, () => {
      const whole = readFileSync(MODELS + name);
      const next = rng(0x5eed + rounds);
      let rejected = 0;
      for (let round = 0; round < rounds; round++) {
        const bytes = Uint8Array.from(whole);
        const flips = 1 + (next() % 4);
        for (let f = 0; f < flips; f++) {
          // Half of the flips land in the first 256 bytes, where the tables and vtables are.
          const span = next() % 2 === 0 ? Math.min(256, bytes.length) : bytes.length;
          const at = next() % span;
          bytes[at] = (bytes[at] as number) ^ (1 + (next() % 255));
        }
        if (attempt(bytes) === 'rejected') rejected++;
      }
      // Not every flip breaks the structure (many hit weights), but many must be caught.
      expect(rejected).toBeGreaterThan(0);
    });
  }
});
