// SPDX-License-Identifier: Apache-2.0
// An Ethos-U device node: the driver-version check, capabilities, and the factory of buffers and
// networks. Closing a device closes everything created from it.

import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import {
  binding,
  call,
  type NativeCapabilities,
  type NativeDevice,
  type NativeNetwork,
  type NativeNetworkInfo,
} from './binding.js';
import { DmaBuffer } from './buffer.js';
import { closedError, EthosUError, fromNative, invalidArg } from './errors.js';
import { Network } from './network.js';
import { npuFamily } from './pmu/index.js';
import { isSimPath, openSim } from './sim/device.js';
import { readTflite } from './tflite/index.js';
import type { Capabilities, SemanticVersion, TfliteModel } from './types.js';

export interface DeviceOpenOptions {
  /**
   * false: exchange buffer data through copies instead of mapping the device memory into
   * ArrayBuffers. The library falls back to copies by itself where the runtime forbids external
   * ArrayBuffers (with a one-time warning).
   */
  zeroCopy?: boolean;
}

/** Where a network comes from: model bytes, or a network built into the firmware. */
export type NetworkSource = Uint8Array | { index: number };

/** Anything a device hands out; closed with the device. */
interface Closable {
  close(): void;
}

const DEVICE_NAME = /^ethosu(\d+)$/;

function formatVersion(v: SemanticVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

function versionError(path: string, seen: SemanticVersion, wanted: number): EthosUError {
  let why: string;
  if (seen.major === 0 && seen.minor === 0 && seen.patch === 0) {
    why =
      'Version 0.0.0 means the kernel driver has no version request: it is a legacy driver ' +
      '(Arm 2020-2022 or the NXP i.MX93 fork) whose ABI this library does not speak.';
  } else if (seen.major < wanted) {
    why = 'The kernel driver is older than the ABI this library speaks.';
  } else {
    why = 'The kernel driver is newer than the ABI this library speaks; update ethos-u.';
  }
  return new EthosUError(
    `${path}: unsupported Ethos-U kernel driver version ${formatVersion(seen)}; this library ` +
      `needs major version ${wanted}. ${why}`,
    { code: 'ERR_ETHOSU_DRIVER_VERSION', path },
  );
}

function toCapabilities(c: NativeCapabilities): Capabilities {
  const types = binding().constants.DEVICE_TYPE;
  const typeName = (
    {
      [types.UNKNOWN]: 'unknown',
      [types.SUBSYSTEM]: 'subsystem',
      [types.DIRECT]: 'direct',
    } as Record<number, Capabilities['hwCfg']['type']>
  )[c.type];
  if (typeName === undefined) {
    throw new EthosUError(`Invalid device type ${c.type} in the capabilities the kernel reported`, {
      code: 'ERR_ETHOSU_CAPABILITIES',
    });
  }
  const hwId: Capabilities['hwId'] = {
    versionStatus: c.versionStatus,
    version: { major: c.versionMajor, minor: c.versionMinor },
    product: { major: c.productMajor },
    architecture: { major: c.archMajorRev, minor: c.archMinorRev, patch: c.archPatchRev },
  };
  return {
    hwId,
    hwCfg: {
      macsPerClockCycle: c.macsPerClockCycle,
      cmdStreamVersion: c.cmdStreamVersion,
      customDma: c.customDma !== 0,
      type: typeName,
    },
    driver: { major: c.driverMajorRev, minor: c.driverMinorRev, patch: c.driverPatchRev },
    npu: npuFamily(hwId),
  };
}

/** Parses model bytes when they are TFLite; anything else is still a valid network source. */
/** The model bytes or the built-in index of a network source, checked. */
function checkSource(
  src: NetworkSource,
): { bytes: Uint8Array; index?: never } | { bytes?: never; index: number } {
  if (ArrayBuffer.isView(src)) {
    const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    if (bytes.byteLength === 0) throw invalidArg('The network data is empty');
    if (bytes.byteLength > 0xffffffff) throw invalidArg('The network data exceeds 4 GiB');
    return { bytes };
  }
  if (typeof src === 'object' && src !== null && 'index' in src) {
    const { index } = src;
    if (!Number.isSafeInteger(index) || index < 0 || index > 0xffffffff) {
      throw invalidArg(`Network index must be an integer from 0 to 4294967295, got ${index}`);
    }
    return { index };
  }
  throw invalidArg('createNetwork() takes model bytes (Uint8Array) or { index: number }');
}

function tryModel(bytes: Uint8Array): TfliteModel | undefined {
  try {
    return readTflite(bytes);
  } catch {
    return undefined;
  }
}

export class Device implements Disposable {
  readonly path: string;
  readonly driverVersion: SemanticVersion;
  #native: NativeDevice | undefined;
  #zeroCopy: boolean;
  #capabilities: Capabilities | undefined;
  // Weak: a dropped buffer or inference must stay collectable (its finalizer closes its fd).
  #children = new Set<WeakRef<Closable>>();
  #held = new Set<Closable>();
  #forget = new FinalizationRegistry<WeakRef<Closable>>((ref) => this.#children.delete(ref));

  /**
   * Opens /dev/ethosuN (a number) or a path; default /dev/ethosu0. `sim:u55-128` (any NPU
   * configuration Vela compiles for) opens a simulated device instead: see docs/sim.md.
   */
  static open(pathOrIndex: string | number = 0, opts: DeviceOpenOptions = {}): Device {
    let path: string;
    if (typeof pathOrIndex === 'number') {
      if (!Number.isSafeInteger(pathOrIndex) || pathOrIndex < 0) {
        throw invalidArg(`Device index must be a non-negative integer, got ${pathOrIndex}`);
      }
      path = `/dev/ethosu${pathOrIndex}`;
    } else if (typeof pathOrIndex === 'string' && pathOrIndex !== '') {
      path = pathOrIndex;
    } else {
      throw invalidArg('Device.open() takes a device path or index, e.g. "/dev/ethosu0" or 0');
    }
    if (typeof opts !== 'object' || opts === null) throw invalidArg('options must be an object');
    if (opts.zeroCopy !== undefined && typeof opts.zeroCopy !== 'boolean') {
      throw invalidArg('options.zeroCopy must be a boolean');
    }
    const native = call(() => (isSimPath(path) ? openSim(path) : binding().open(path)));
    try {
      return new Device(native, opts.zeroCopy ?? true);
    } catch (err) {
      native.close();
      throw err;
    }
  }

  /** The Ethos-U device nodes present, sorted by number (/dev/ethosu0, /dev/ethosu1, ...). */
  static list(): string[] {
    let names: string[];
    try {
      names = readdirSync('/dev');
    } catch {
      return [];
    }
    return names
      .map((name) => DEVICE_NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((m) => `/dev/${m[0]}`);
  }

  private constructor(native: NativeDevice, zeroCopy: boolean) {
    this.path = native.path;
    this.#native = native;
    this.#zeroCopy = zeroCopy;
    const v = call(() => native.driverVersion());
    const wanted = binding().constants.DRIVER_VERSION.major;
    this.driverVersion = Object.freeze({ major: v.major, minor: v.minor, patch: v.patch });
    if (v.major !== wanted) throw versionError(this.path, this.driverVersion, wanted);
  }

  get closed(): boolean {
    return this.#native === undefined;
  }

  /** @internal The open native device, or ERR_ETHOSU_CLOSED. */
  get native(): NativeDevice {
    if (this.#native === undefined) throw closedError('Device');
    return this.#native;
  }

  /** @internal Registers something to close with this device; untrack() with the token. */
  track(child: Closable): WeakRef<Closable> {
    const ref = new WeakRef(child);
    this.#children.add(ref);
    this.#forget.register(child, ref, ref);
    return ref;
  }

  /** @internal `child` closed itself: nothing left to close or to finalise. */
  untrack(ref: WeakRef<Closable>): void {
    this.#children.delete(ref);
    this.#forget.unregister(ref);
  }

  /** @internal What the device would close now (tests: nothing lingers per inference). */
  get trackedCount(): number {
    return this.#children.size + this.#held.size;
  }

  /**
   * @internal Like track(), for something whose owner always closes it (run()'s inferences):
   * held strongly until release(), without a WeakRef and finalizer per object.
   */
  hold(child: Closable): void {
    this.#held.add(child);
  }

  /** @internal */
  release(child: Closable): void {
    this.#held.delete(child);
  }

  /** CAPABILITIES_REQ (the kernel caches them; so does this object). */
  capabilities(): Capabilities {
    const native = this.native;
    this.#capabilities ??= toCapabilities(call(() => native.capabilities()));
    return structuredClone(this.#capabilities);
  }

  /**
   * Sends a PING to the firmware; resolves once it is queued. The kernel waits for room in a full
   * queue (up to 15 s, then ETIMEDOUT): on a worker thread, never on the event loop.
   */
  async ping(): Promise<void> {
    const native = this.native;
    try {
      await native.ping();
    } catch (err) {
      throw fromNative(err);
    }
  }

  /** A DMA buffer of `size` bytes, mapped into `data`. */
  createBuffer(size: number): DmaBuffer {
    if (!Number.isSafeInteger(size) || size < 1 || size > 0xffffffff) {
      throw invalidArg(`Buffer size must be an integer from 1 to 4294967295 bytes, got ${size}`);
    }
    const native = this.native;
    const created = call(() => native.createBuffer(size, !this.#zeroCopy));
    let buffer: DmaBuffer;
    try {
      buffer = new DmaBuffer(this, created, !this.#zeroCopy);
    } catch (err) {
      created.close();
      throw err;
    }
    this.track(buffer);
    return buffer;
  }

  /**
   * A network from model bytes (parsed as TFLite when possible) or a built-in index. The kernel
   * calls (NETWORK_CREATE, then NETWORK_INFO, which waits up to 3 s for the firmware) run on a
   * worker thread, on a copy of the bytes: the event loop never waits. loadNetwork() also takes
   * a file path.
   */
  async createNetwork(src: NetworkSource): Promise<Network> {
    checkSource(src); // bytes or an index, not a path
    return this.loadNetwork(src);
  }

  /**
   * createNetwork(), and also reads a model file given by path (the kernel calls run on a
   * worker thread, on a copy of the bytes; the event loop never waits).
   */
  async loadNetwork(src: string | NetworkSource): Promise<Network> {
    void this.native; // ERR_ETHOSU_CLOSED before any file I/O
    let source: NetworkSource;
    if (typeof src === 'string') {
      try {
        source = await readFile(src);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new EthosUError(`Cannot read the network file ${src}: ${e.message}`, {
          code: e.code ?? 'EIO',
          ...(e.errno !== undefined ? { errno: e.errno } : {}),
          ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
          path: src,
        });
      }
    } else {
      source = src;
    }
    const { bytes, index } = checkSource(source);
    const native = this.native;
    // Parsed now: the caller may change its array while the kernel loads the addon's copy.
    const model = bytes === undefined ? undefined : tryModel(bytes);
    let loaded;
    try {
      loaded = await native.loadNetwork(bytes ?? index);
    } catch (err) {
      throw fromNative(err);
    }
    if (this.#native === undefined) {
      loaded.network.close(); // the device was closed meanwhile
      throw closedError('Device');
    }
    return this.#adopt(loaded.network, loaded.info, model);
  }

  #adopt(created: NativeNetwork, info: NativeNetworkInfo, model: TfliteModel | undefined): Network {
    const network = new Network(this, created, info, model);
    this.track(network);
    return network;
  }

  /** Closes the device and every buffer, network and inference created from it. */
  close(): void {
    const native = this.#native;
    if (native === undefined) return;
    this.#native = undefined;
    for (const ref of this.#children) ref.deref()?.close();
    this.#children.clear();
    for (const child of this.#held) child.close();
    this.#held.clear();
    native.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
