// SPDX-License-Identifier: Apache-2.0
// Shared setup for the driver-library unit tests: a fresh fake addon per test.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, expect } from 'vitest';

import { setBinding } from '../../../src/binding.js';
import { EthosUError } from '../../../src/errors.js';
import { expectedOutputs } from '../../oracle/emulator.js';
import { MockWorld } from './mock-binding.js';

export const KWS_MODEL = new Uint8Array(
  readFileSync(
    fileURLToPath(
      new URL('../../fixtures/models/vela/kws_cnn_small_int8_u55-128_vela.tflite', import.meta.url),
    ),
  ),
);

/** A world with /dev/ethosu0 whose byte networks report the KWS sizes (490 in, 12 out). */
export function useMockWorld(): () => MockWorld {
  let world: MockWorld;
  beforeEach(() => {
    world = new MockWorld().addDevice('/dev/ethosu0', {
      userInfo: () => ({ description: 'kws', ifmSizes: [490], ofmSizes: [12] }),
      builtins: { 1: { description: 'builtin', ifmSizes: [490], ofmSizes: [12] } },
    });
    setBinding(world);
  });
  afterEach(() => setBinding(undefined));
  return () => world;
}

/** The EthosUError `fn` throws (or the rejection of the promise it returns). */
export async function failure(fn: () => unknown): Promise<EthosUError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EthosUError);
    return err as EthosUError;
  }
  throw new Error('expected an EthosUError, nothing was thrown');
}

/** Output k (of `size` bytes) for a single input, by the emulator's formula. */
export function expectedOutput(input: Uint8Array, size: number, k: number): Uint8Array {
  return expectedOutputs([input], [...new Array<number>(k).fill(0), size])[k]!;
}
