// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { dequantize, quantize } from '../../src/quantize.js';
import type { TensorInfo } from '../../src/types.js';
import { failure } from './helpers/setup.js';

const kwsInput: TensorInfo = {
  name: 'input',
  dtype: 'int8',
  shape: [1, 490],
  byteSize: 490,
  quantization: { scale: [1.07422], zeroPoint: [102] },
};

describe('dequantize', () => {
  it('applies scale * (q - zeroPoint)', () => {
    const out = dequantize(new Int8Array([-128, 0, 8, 127]), { scale: [0.5], zeroPoint: [8] });
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([-68, -4, 0, 59.5]);
  });

  it('uses one scale per channel along the innermost axis', () => {
    const out = dequantize([1, 1, 1, 1], { scale: [1, 2], zeroPoint: [0, 1] });
    expect([...out]).toEqual([1, 0, 1, 0]);
  });

  it('takes the parameters from a TensorInfo', () => {
    expect(dequantize(new Int8Array([103]), kwsInput)[0]).toBeCloseTo(1.07422, 5);
  });

  it('rejects tensors without quantization and bad parameters', async () => {
    const plain: TensorInfo = { name: 't', dtype: 'uint8', shape: [1], byteSize: 1 };
    expect((await failure(() => dequantize([1], plain))).message).toBe(
      "Tensor 't' is not quantized",
    );
    expect((await failure(() => dequantize([1], { scale: [0], zeroPoint: [0] }))).code).toBe(
      'ERR_ETHOSU_INVALID_ARG',
    );
    expect(
      (await failure(() => dequantize([1], { scale: [1, 2], zeroPoint: [0, 0, 0] }))).message,
    ).toBe('Quantization has 2 scales but 3 zero points');
  });
});

describe('quantize', () => {
  it('rounds half away from zero and clamps to the type', () => {
    const q = { scale: [0.5], zeroPoint: [0] };
    expect([...quantize([0.25, -0.25, 0.74, 1000, -1000], q)]).toEqual([1, -1, 1, 127, -128]);
    expect([...quantize([0.25, -5], q, 'uint8')]).toEqual([1, 0]);
    expect(quantize([1], q, 'int16')).toBeInstanceOf(Int16Array);
    expect([...quantize([1e12], q, 'int32')]).toEqual([2147483647]);
  });

  it('adds the zero point and takes the type from a TensorInfo', () => {
    const q = quantize([0, 1.07422, -1.07422], kwsInput);
    expect(q).toBeInstanceOf(Int8Array);
    expect([...q]).toEqual([102, 103, 101]);
  });

  it('round-trips within half a step', () => {
    const q = { scale: [0.0307448], zeroPoint: [8] };
    const values = [-3.5, -1, 0, 0.01, 2.2, 3.6];
    const back = dequantize(quantize(values, q), q);
    values.forEach((v, i) =>
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(0.0307448 / 2 + 1e-7),
    );
  });

  it('rejects NaN and unsupported types', async () => {
    const q = { scale: [1], zeroPoint: [0] };
    expect((await failure(() => quantize([NaN], q))).message).toBe(
      'Cannot quantize NaN (element 0)',
    );
    expect((await failure(() => quantize([1], q, 'float32' as never))).message).toBe(
      'Cannot quantize to float32',
    );
  });
});
