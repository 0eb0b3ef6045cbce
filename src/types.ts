// SPDX-License-Identifier: Apache-2.0
// Plain data types shared by the driver library, the TFLite reader, the PMU tables and the CLI.

/** Version triple as the kernel driver reports it (DRIVER_VERSION_GET). */
export interface SemanticVersion {
  major: number;
  minor: number;
  patch: number;
}

/** The NPU families the firmware can report. */
export type NpuFamily = 'U55' | 'U65' | 'U85' | 'unknown';

/** CAPABILITIES_REQ, with names a user can read. */
export interface Capabilities {
  hwId: {
    versionStatus: number;
    version: { major: number; minor: number };
    product: { major: number };
    architecture: SemanticVersion;
  };
  hwCfg: {
    macsPerClockCycle: number;
    cmdStreamVersion: number;
    customDma: boolean;
    type: 'unknown' | 'subsystem' | 'direct';
  };
  /** The firmware's NPU driver version (not the Linux driver's). */
  driver: SemanticVersion;
  /** Derived from hwId (see src/pmu). */
  npu: NpuFamily;
}

export type InferenceStatus = 'ok' | 'error' | 'running' | 'rejected' | 'aborted' | 'aborting';

/** TFLite tensor element types the reader understands. */
export type TensorDType =
  | 'float32'
  | 'float16'
  | 'int32'
  | 'uint8'
  | 'int64'
  | 'string'
  | 'bool'
  | 'int16'
  | 'complex64'
  | 'int8'
  | 'float64'
  | 'complex128'
  | 'uint64'
  | 'resource'
  | 'variant'
  | 'uint32'
  | 'uint16'
  | 'int4'
  | 'bfloat16';

export interface Quantization {
  scale: number[];
  zeroPoint: number[];
}

/** One model input or output, as the TFLite file describes it. */
export interface TensorInfo {
  name: string;
  dtype: TensorDType;
  shape: number[];
  /** Bytes of one tensor: product(shape) x element size (int4 rounds up). */
  byteSize: number;
  quantization?: Quantization;
}

export interface TfliteModel {
  version: number;
  description: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** True when the model contains the custom operator `ethos-u` (compiled by Vela). */
  isVela: boolean;
  /** The NPU the Vela command stream targets, when the file says so. */
  velaTarget?: string;
  operators: string[];
}
