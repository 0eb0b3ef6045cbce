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
  cancel(): boolean;
  readonly pmuCounters: bigint[];
  readonly cycleCount: bigint;
  close(): void;
}

export interface CliNetwork {
  readonly info: { description: string; ifmSizes: number[]; ofmSizes: number[] };
  readonly model?: TfliteModel;
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  createInference(
    ifms: CliBuffer[],
    ofms: CliBuffer[],
    opts?: { pmuEvents?: number[]; cycles?: boolean },
  ): CliInference;
  close(): void;
}

export interface CliDevice {
  readonly path: string;
  readonly driverVersion: SemanticVersion;
  capabilities(): Capabilities;
  ping(): void;
  createBuffer(size: number): CliBuffer;
  loadNetwork(src: string | Uint8Array | { index: number }): Promise<CliNetwork>;
  close(): void;
}

export interface CliLibrary {
  Device: {
    open(pathOrIndex?: string | number): CliDevice;
    list(): string[];
  };
}

/** Loads src/index.ts (lib/index.js once built) at run time. */
export async function loadLibrary(): Promise<CliLibrary> {
  const url = new URL('../index.js', import.meta.url);
  const mod = (await import(url.href)) as CliLibrary;
  return mod;
}
