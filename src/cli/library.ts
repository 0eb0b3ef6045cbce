// SPDX-License-Identifier: Apache-2.0
// The part of the library API (see src/index.ts) that the CLI uses. Commands receive it through
// the context, so unit tests can pass a fake; main.ts loads the real one only when a command
// needs the NPU, so --help works without the native addon.

import type {
  Capabilities,
  InferenceStatus,
  SemanticVersion,
  TensorInfo,
  TfliteModel,
} from '../types.js';

export interface CliBuffer {
  readonly size: number;
  readonly data: Uint8Array;
  close(): void;
}

export interface CliInference {
  wait(timeoutMs?: number): Promise<boolean>;
  readonly status: InferenceStatus;
  cancel(): Promise<boolean>;
  readonly pmuCounters: bigint[];
  readonly cycleCount: bigint;
  /** Why it ended with an error, where the device says (sim: devices). */
  readonly statusDetail?: string | undefined;
  close(): void;
}

export interface CliNetwork {
  readonly info: {
    readonly description: string;
    readonly ifmSizes: readonly number[];
    readonly ofmSizes: readonly number[];
  };
  readonly model?: TfliteModel;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  createInference(
    ifms: readonly CliBuffer[],
    ofms: readonly CliBuffer[],
    opts?: { pmuEvents?: number[]; cycles?: boolean },
  ): Promise<CliInference>;
  close(): void;
}

export interface CliDevice {
  readonly path: string;
  readonly driverVersion: SemanticVersion;
  capabilities(): Capabilities;
  ping(): Promise<void>;
  createBuffer(size: number): CliBuffer;
  loadNetwork(src: string | Uint8Array | { index: number }): Promise<CliNetwork>;
  close(): void;
}

export interface CliLibrary {
  Device: {
    /** A path, an index (/dev/ethosuN) or a simulated NPU such as 'sim:u55-128'. */
    open(pathOrIndex?: string | number): CliDevice;
    list(): string[];
  };
}

/** Loads the library (and with it the native addon) on first use. */
export async function loadLibrary(): Promise<CliLibrary> {
  const mod = await import('../index.js');
  // Checked at compile time: the real library provides what the CLI calls.
  return mod satisfies CliLibrary;
}
