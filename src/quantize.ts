// SPDX-License-Identifier: Apache-2.0
// Affine (TFLite) quantization: real = scale * (q - zeroPoint).

import { invalidArg } from './errors.js';
import type { Quantization, TensorInfo } from './types.js';

export type QuantizedDType = 'int8' | 'uint8' | 'int16' | 'int32';
export type QuantizedArray = Int8Array | Uint8Array | Int16Array | Int32Array;

const RANGES: Record<QuantizedDType, [number, number, new (n: number) => QuantizedArray]> = {
  int8: [-128, 127, Int8Array],
  uint8: [0, 255, Uint8Array],
  int16: [-32768, 32767, Int16Array],
  int32: [-2147483648, 2147483647, Int32Array],
};

/** The parameters from a Quantization or a TensorInfo that has them. */
function params(q: Quantization | TensorInfo): Quantization {
  const quant = 'scale' in q ? q : q.quantization;
  if (quant === undefined || quant.scale.length === 0) {
    throw invalidArg(`Tensor ${'name' in q ? `'${q.name}' ` : ''}is not quantized`);
  }
  const { scale, zeroPoint } = quant;
  if (zeroPoint.length !== 1 && zeroPoint.length !== scale.length) {
    throw invalidArg(`Quantization has ${scale.length} scales but ${zeroPoint.length} zero points`);
  }
  if (scale.some((s) => !(Number.isFinite(s) && s > 0))) {
    throw invalidArg('Quantization scales must be positive finite numbers');
  }
  return quant;
}

// Several scales are per channel, the channel being the innermost axis (element i uses
// i % channels), which is how activations are laid out.
function channelParams(q: Quantization, i: number): [number, number] {
  const c = i % q.scale.length;
  return [q.scale[c] as number, (q.zeroPoint.length === 1 ? q.zeroPoint[0] : q.zeroPoint[c]) ?? 0];
}

/** Real values of quantized integers. */
export function dequantize(values: ArrayLike<number>, q: Quantization | TensorInfo): Float32Array {
  const quant = params(q);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const [scale, zp] = channelParams(quant, i);
    out[i] = scale * ((values[i] as number) - zp);
  }
  return out;
}

/**
 * Quantized integers of real values, rounded half away from zero (as TFLite does) and clamped
 * to the type's range. The type comes from `dtype`, else from the TensorInfo, else int8.
 */
export function quantize(
  values: ArrayLike<number>,
  q: Quantization | TensorInfo,
  dtype?: QuantizedDType,
): QuantizedArray {
  const quant = params(q);
  const type = dtype ?? ('dtype' in q ? (q.dtype as QuantizedDType) : 'int8');
  const range = RANGES[type];
  if (range === undefined) throw invalidArg(`Cannot quantize to ${type}`);
  const [min, max, Ctor] = range;
  const out = new Ctor(values.length);
  for (let i = 0; i < values.length; i++) {
    const [scale, zp] = channelParams(quant, i);
    const v = values[i] as number;
    if (Number.isNaN(v)) throw invalidArg(`Cannot quantize NaN (element ${i})`);
    const r = v / scale;
    const rounded = Math.sign(r) * Math.round(Math.abs(r));
    out[i] = Math.min(max, Math.max(min, rounded + zp));
  }
  return out;
}
