// SPDX-License-Identifier: Apache-2.0
// The native addon's JavaScript interface, loading it (node-gyp-build: a prebuild or
// build/Release), and the seam through which unit tests inject an in-memory fake instead.

import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EthosUError, fromNative } from './errors.js';

export interface NativeVersion {
  major: number;
  minor: number;
  patch: number;
}

/** CAPABILITIES_REQ field by field, as the kernel returns it. */
export interface NativeCapabilities {
  versionStatus: number;
  versionMinor: number;
  versionMajor: number;
  productMajor: number;
  archPatchRev: number;
  archMinorRev: number;
  archMajorRev: number;
  macsPerClockCycle: number;
  cmdStreamVersion: number;
  customDma: number;
  type: number;
  driverPatchRev: number;
  driverMinorRev: number;
  driverMajorRev: number;
}

export interface NativeNetworkInfo {
  description: string;
  ifmSizes: number[];
  ofmSizes: number[];
}

/** INFERENCE_STATUS: status code, the PMU configuration echoed, and the counts. */
export interface NativeStatus {
  status: number;
  pmuEvents: number[];
  pmuCounts: bigint[];
  cycleEnabled: boolean;
  cycleCount: bigint;
  /** sim: devices only: why the NPU model ended an inference with ERROR. */
  detail?: string;
}

/** Every native object owns one fd; close() is idempotent and the finalizer is a backstop. */
export interface NativeFdObject {
  readonly fd: number;
  close(): void;
}

export interface NativeDevice extends NativeFdObject {
  readonly path: string;
  /** PING on a worker thread (it waits for room in a full queue, up to 15 s). */
  ping(): Promise<void>;
  driverVersion(): NativeVersion;
  capabilities(): NativeCapabilities;
  /** copyMode: a JS-owned copy synchronised around inferences instead of the mapping itself. */
  createBuffer(size: number, copyMode: boolean): NativeBuffer;
  createNetwork(data: Uint8Array): NativeNetwork;
  createNetworkIndex(index: number): NativeNetwork;
  /** NETWORK_CREATE (bytes copied first) and NETWORK_INFO on a worker thread. */
  loadNetwork(
    src: Uint8Array | number,
  ): Promise<{ network: NativeNetwork; info: NativeNetworkInfo }>;
}

export interface NativeBuffer extends NativeFdObject {
  readonly size: number;
  /** The mapping (zeroCopy) or its copy; zeros after close(). Throws once closed. */
  readonly data: ArrayBuffer;
  readonly zeroCopy: boolean;
  /** Copy mode only (no-ops otherwise): data -> device, device -> data. */
  syncToDevice(): void;
  syncFromDevice(): void;
}

export interface NativeNetwork extends NativeFdObject {
  info(): NativeNetworkInfo;
  /** Never waits: null while the firmware's queue is full (EAGAIN on the O_NONBLOCK fd). */
  createInference(
    ifmFds: number[],
    ofmFds: number[],
    pmuEvents: number[],
    cycleCounter: boolean,
  ): NativeInference | null;
}

export interface NativeInference extends NativeFdObject {
  status(): NativeStatus;
  /** INFERENCE_CANCEL on a worker thread: the kernel's answer (OK = the firmware accepted). */
  cancel(): Promise<number>;
  /** true once done, false after timeoutMs (negative: no timeout). */
  wait(timeoutMs: number): Promise<boolean>;
}

/** UAPI constants, taken from the kernel header by the addon. */
export interface NativeConstants {
  DRIVER_VERSION: NativeVersion;
  FD_MAX: number;
  PMU_EVENT_MAX: number;
  NETWORK_DESC_MAX: number;
  STATUS: {
    OK: number;
    ERROR: number;
    RUNNING: number;
    REJECTED: number;
    ABORTED: number;
    ABORTING: number;
  };
  DEVICE_TYPE: { UNKNOWN: number; SUBSYSTEM: number; DIRECT: number };
}

/** An NPU configuration of the functional model (npu/npu_hw.c's table), raw register words. */
export interface NativeSimHw {
  family: 'U55' | 'U65' | 'U85';
  macs: number;
  /** ID register. */
  id: number;
  /** CONFIG word as Vela writes it for this NPU. */
  config: number;
}

export interface NativeSimRunResult {
  /** npu_status_name(): 'OK', 'ERR_CONFIG', 'ERR_UNSUPPORTED', ... */
  status: string;
  message: string;
  /** Copies of the OFMs (empty unless status is OK). */
  outputs: Uint8Array[];
  commands: number;
  ops: number;
  dma: number;
  macs: bigint;
  bytesRead: bigint;
  bytesWritten: bigint;
  /** Time the model took on the worker thread. */
  micros: number;
}

/** A Vela .tflite parsed by the functional model (a copy of the bytes is kept). */
export interface NativeSimModel {
  /** True when the subgraph is the ethos-u operator alone, with a COP1 payload. */
  readonly ok: boolean;
  /** 'OK', or why the model cannot run the file, e.g. 'ERR_PAYLOAD: ...'. */
  readonly message: string;
  readonly ifmSizes: number[];
  readonly ofmSizes: number[];
  /** Runs the command stream on a libuv worker thread, on copies of the IFMs. */
  run(npu: string, macs: number, ifms: Uint8Array[]): Promise<NativeSimRunResult>;
}

/** The NPU functional model (npu/) in the addon, behind sim: devices (src/sim). */
export interface NativeSim {
  hw(name: string, macs: number): NativeSimHw | undefined;
  Model: new (bytes: Uint8Array) => NativeSimModel;
}

export interface NativeBinding {
  open(path: string): NativeDevice;
  readonly constants: NativeConstants;
  /** Absent from fakes and from addons built before the simulator. */
  readonly sim?: NativeSim;
}

let injected: NativeBinding | undefined;
let loaded: NativeBinding | undefined;

function packageRoot(): string {
  // src/binding.ts (tests) and lib/binding.js (package) both sit one level below the root.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Ethos-U devices are Linux character devices: say so before anything else fails. */
export function checkPlatform(platform: string = process.platform): void {
  if (platform !== 'linux') {
    throw new EthosUError(
      `ethos-u runs on Linux only (this is ${platform}): Ethos-U NPUs are reached through the ` +
        'Linux kernel driver ethosu.ko and /dev/ethosuN.',
      { code: 'ERR_ETHOSU_PLATFORM' },
    );
  }
}

function load(): NativeBinding {
  checkPlatform();
  const require = createRequire(import.meta.url);
  try {
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
    return nodeGypBuild(packageRoot());
  } catch (err) {
    throw new EthosUError(
      `The ethos-u native addon could not be loaded (${(err as Error).message}). ` +
        'Build it with `npm run build:addon` (needs a C++ compiler and Node headers), or ' +
        'install a package that ships prebuilds for this platform.',
      { code: 'ERR_ETHOSU_ADDON', cause: err },
    );
  }
}

/** The addon in use: the injected fake, or the real one, loaded on first use. */
export function binding(): NativeBinding {
  if (injected !== undefined) return injected;
  loaded ??= load();
  return loaded;
}

/** Test seam: use `fake` instead of the addon (undefined restores the addon). */
export function setBinding(fake: NativeBinding | undefined): void {
  injected = fake;
}

/** Runs a native call, turning the addon's errors into EthosUError. */
export function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromNative(err);
  }
}
