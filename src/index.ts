// SPDX-License-Identifier: Apache-2.0
// The ethos-u package: run inferences on Arm Ethos-U NPUs from Node.js.

export { Device, type DeviceOpenOptions, type NetworkSource } from './device.js';
export { DmaBuffer } from './buffer.js';
export { Network, type NetworkInfo, type CreateInferenceOptions } from './network.js';
export { Inference } from './inference.js';
export type { RunOptions, RunResult, OutputArray } from './run.js';
export { EthosUError } from './errors.js';
export { dequantize, quantize, type QuantizedArray, type QuantizedDType } from './quantize.js';
export * from './types.js';
export * from './pmu/index.js';
export * from './tflite/index.js';
