// SPDX-License-Identifier: Apache-2.0
// An in-memory fake of the addon's JavaScript interface (src/binding.ts), injected with
// setBinding(). It follows the kernel's documented behaviour and the emulator's output formula,
// and lets tests decide when inferences finish and which calls fail.

import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

import type {
  NativeBinding,
  NativeBuffer,
  NativeCapabilities,
  NativeConstants,
  NativeDevice,
  NativeInference,
  NativeNetwork,
  NativeNetworkInfo,
  NativeStatus,
  NativeVersion,
} from '../../../src/binding.js';
import { InferenceWaiters } from '../../../src/sim/waiters.js';
import { expectedCycles, expectedOutputs, expectedPmu, NPUS } from '../../oracle/emulator.js';

export const STATUS = { OK: 0, ERROR: 1, RUNNING: 2, REJECTED: 3, ABORTED: 4, ABORTING: 5 };

export const CONSTANTS: NativeConstants = {
  DRIVER_VERSION: { major: 4, minor: 0, patch: 0 },
  FD_MAX: 16,
  PMU_EVENT_MAX: 8,
  NETWORK_DESC_MAX: 32,
  STATUS,
  DEVICE_TYPE: { UNKNOWN: 0, SUBSYSTEM: 1, DIRECT: 2 },
};

/**
 * The error shape the addon throws for a failed system call (native/errors.cc's message without
 * its hint): "<syscall> failed[ on <path>]: <strerror> (<CODE>)."
 */
export function sysError(syscall: string, code: string, path?: string): Error {
  const errno = (osConstants.errno as Record<string, number | undefined>)[code] ?? 1;
  const text = getSystemErrorMap().get(-errno)?.[1] ?? code;
  const where = path === undefined ? '' : ` on ${path}`;
  const err = new Error(
    `${syscall} failed${where}: ${text[0]!.toUpperCase()}${text.slice(1)} (${code}).`,
  ) as Error & Record<string, unknown>;
  err.code = code;
  err.errno = -errno;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}

function closedError(what: string): Error {
  const err = new Error(`${what} is closed`) as Error & { code: string };
  err.code = 'ERR_ETHOSU_CLOSED';
  return err;
}

/** Ethos-U55-128 as the emulator reports it (the oracle's NPU table). */
export const U55_CAPS: NativeCapabilities = NPUS['u55-128'].capabilities;

export interface MockDeviceConfig {
  version?: NativeVersion;
  capabilities?: NativeCapabilities;
  /** NETWORK_INFO per built-in index; others fail with EBADF like a missing model. */
  builtins?: Record<number, NativeNetworkInfo>;
  /** NETWORK_INFO for networks made from bytes (default: one 4-byte input and output). */
  userInfo?: (bytes: Uint8Array) => NativeNetworkInfo;
  /** PMU event counters of the NPU (emulator: 4 for U55/U65). */
  counters?: number;
}

/** Where the fake's state lives: the fds it has open, the inferences it runs, its failures. */
export class MockWorld implements NativeBinding {
  readonly constants = CONSTANTS;
  devices = new Map<string, MockDeviceConfig>();
  openFds = new Set<number>();
  inferences: MockInference[] = [];
  opened: MockDevice[] = [];
  buffersCreated = 0;
  /** Inferences finish by themselves after this many ms; undefined: only by complete(). */
  autoCompleteMs: number | undefined = 0;
  /** Status the firmware gives finished inferences. */
  resultStatus = STATUS.OK;
  /**
   * Per inference (0-based, in creation order): the status it finishes with, or undefined for
   * one the firmware never finishes. Unset: every inference finishes with resultStatus.
   */
  outcome: ((k: number) => number | undefined) | undefined;
  /** The firmware's queue: INFERENCE_CREATE fails with EAGAIN while this many are pending. */
  queueCapacity = Infinity;
  /** The next this many cancels are refused by the firmware (the inferences run on). */
  refuseCancel = 0;
  /** The runtime forbids external ArrayBuffers. */
  noExternalBuffers = false;
  /** Next calls of a method name to fail with an errno code, e.g. fail.set('info', 'EBADF'). */
  fail = new Map<string, string>();
  #nextFd = 100;

  addDevice(path: string, config: MockDeviceConfig = {}): this {
    this.devices.set(path, config);
    return this;
  }

  allocFd(): number {
    const fd = this.#nextFd++;
    this.openFds.add(fd);
    return fd;
  }

  freeFd(fd: number): void {
    this.openFds.delete(fd);
  }

  maybeFail(method: string, syscall: string): void {
    const code = this.fail.get(method);
    if (code === undefined) return;
    this.fail.delete(method);
    throw sysError(syscall, code);
  }

  open(path: string): NativeDevice {
    const config = this.devices.get(path);
    if (config === undefined) throw sysError('open', 'ENOENT', path);
    const dev = new MockDevice(this, path, config);
    this.opened.push(dev);
    return dev;
  }

  get pending(): MockInference[] {
    return this.inferences.filter((i) => !i.done);
  }

  /** Finishes every pending inference (the firmware answers). */
  completeAll(status = this.resultStatus): void {
    for (const inf of this.pending) inf.complete(status);
  }
}

abstract class MockFdObject {
  fd: number;
  constructor(
    protected world: MockWorld,
    private what: string,
  ) {
    this.fd = world.allocFd();
  }
  get isOpen(): boolean {
    return this.fd >= 0;
  }
  get closed(): boolean {
    return this.fd < 0;
  }
  protected check(): void {
    if (this.fd < 0) throw closedError(this.what);
  }
  close(): void {
    if (this.fd < 0) return;
    this.world.freeFd(this.fd);
    this.fd = -1;
  }
}

export class MockDevice extends MockFdObject implements NativeDevice {
  buffers = new Map<number, MockBuffer>();
  networks: MockNetwork[] = [];
  /** What loadNetwork() was given: the bytes, or { index }. */
  loads: (Uint8Array | { index: number })[] = [];
  pings = 0;

  constructor(
    world: MockWorld,
    readonly path: string,
    readonly config: MockDeviceConfig,
  ) {
    super(world, 'Device');
  }

  /** Like the addon's worker: settles later. */
  async ping(): Promise<void> {
    this.check();
    await new Promise((r) => setImmediate(r));
    this.world.maybeFail('ping', 'ioctl(PING)');
    this.pings++;
  }

  driverVersion(): NativeVersion {
    this.check();
    this.world.maybeFail('driverVersion', 'ioctl(DRIVER_VERSION_GET)');
    return { ...(this.config.version ?? CONSTANTS.DRIVER_VERSION) };
  }

  capabilities(): NativeCapabilities {
    this.check();
    this.world.maybeFail('capabilities', 'ioctl(CAPABILITIES_REQ)');
    return { ...(this.config.capabilities ?? U55_CAPS) };
  }

  createBuffer(size: number, copyMode: boolean): NativeBuffer {
    this.check();
    this.world.maybeFail('createBuffer', 'ioctl(BUFFER_CREATE)');
    if (size < 1) throw sysError('ioctl(BUFFER_CREATE)', 'EINVAL');
    const b = new MockBuffer(this.world, size, !copyMode && !this.world.noExternalBuffers);
    this.world.buffersCreated++;
    this.buffers.set(b.fd, b);
    return b;
  }

  createNetwork(data: Uint8Array): NativeNetwork {
    this.check();
    this.world.maybeFail('createNetwork', 'ioctl(NETWORK_CREATE)');
    const info = (this.config.userInfo ?? (() => defaultInfo))(data);
    return this.#network(info);
  }

  createNetworkIndex(index: number): NativeNetwork {
    this.check();
    this.world.maybeFail('createNetwork', 'ioctl(NETWORK_CREATE)');
    return this.#network(this.config.builtins?.[index]);
  }

  #network(info: NativeNetworkInfo | undefined): MockNetwork {
    const net = new MockNetwork(this.world, this, info);
    this.networks.push(net);
    return net;
  }

  /** Like the addon's worker: settles later, on a copy of the bytes. */
  async loadNetwork(
    src: Uint8Array | number,
  ): Promise<{ network: NativeNetwork; info: NativeNetworkInfo }> {
    this.check();
    const copy = typeof src === 'number' ? src : src.slice();
    this.loads.push(typeof copy === 'number' ? { index: copy } : copy);
    await new Promise((r) => setImmediate(r));
    const network =
      typeof copy === 'number' ? this.createNetworkIndex(copy) : this.createNetwork(copy);
    try {
      return { network, info: network.info() };
    } catch (err) {
      network.close();
      throw err;
    }
  }
}

const defaultInfo: NativeNetworkInfo = { description: 'mock', ifmSizes: [4], ofmSizes: [4] };

export class MockBuffer extends MockFdObject implements NativeBuffer {
  /** What the NPU sees. */
  readonly device: Uint8Array;
  #data: ArrayBuffer;

  constructor(
    world: MockWorld,
    readonly size: number,
    readonly zeroCopy: boolean,
  ) {
    super(world, 'Buffer');
    const mem = new ArrayBuffer(size);
    this.device = new Uint8Array(mem);
    this.#data = zeroCopy ? mem : new ArrayBuffer(size);
  }

  get data(): ArrayBuffer {
    this.check();
    return this.#data;
  }

  syncToDevice(): void {
    this.check();
    if (!this.zeroCopy) this.device.set(new Uint8Array(this.#data));
  }

  syncFromDevice(): void {
    this.check();
    if (!this.zeroCopy) new Uint8Array(this.#data).set(this.device);
  }

  // Detaching on close is the addon's job and is tested end to end: the library marks zero-copy
  // ArrayBuffers untransferable, so a fake cannot detach them in plain JavaScript.
}

export class MockNetwork extends MockFdObject implements NativeNetwork {
  /** The PMU events and cycle flag of each INFERENCE_CREATE, as the kernel got them. */
  requests: { pmuEvents: number[]; cycles: boolean }[] = [];

  constructor(
    world: MockWorld,
    readonly device: MockDevice,
    readonly networkInfo: NativeNetworkInfo | undefined,
  ) {
    super(world, 'Network');
  }

  info(): NativeNetworkInfo {
    this.check();
    this.world.maybeFail('info', 'ioctl(NETWORK_INFO)');
    if (this.networkInfo === undefined) throw sysError('ioctl(NETWORK_INFO)', 'EBADF');
    return structuredClone(this.networkInfo);
  }

  createInference(
    ifmFds: number[],
    ofmFds: number[],
    pmuEvents: number[],
    cycleCounter: boolean,
  ): NativeInference | null {
    this.check();
    this.world.maybeFail('createInference', 'ioctl(INFERENCE_CREATE)');
    if (this.world.pending.length >= this.world.queueCapacity) return null; // EAGAIN
    const lookup = (fd: number) => {
      const b = this.device.buffers.get(fd);
      if (b === undefined || !b.isOpen) throw sysError('ioctl(INFERENCE_CREATE)', 'EINVAL');
      return b;
    };
    const k = this.world.inferences.length;
    const inf = new MockInference(
      this.world,
      this,
      ifmFds.map(lookup),
      ofmFds.map(lookup),
      pmuEvents,
      cycleCounter,
    );
    this.world.inferences.push(inf);
    this.requests.push({ pmuEvents: [...pmuEvents], cycles: cycleCounter });
    const { outcome } = this.world;
    const status = outcome?.(k);
    if (
      this.world.autoCompleteMs !== undefined &&
      (outcome === undefined || status !== undefined)
    ) {
      setTimeout(() => {
        if (!inf.done) inf.complete(status ?? this.world.resultStatus);
      }, this.world.autoCompleteMs);
    }
    return inf;
  }
}

export class MockInference extends MockFdObject implements NativeInference {
  statusCode = STATUS.RUNNING;
  done = false;
  counts = new Array<bigint>(8).fill(0n);
  cycles = 0n;
  cancelCalls = 0;
  readonly events: number[];
  readonly #waiters = new InferenceWaiters();

  constructor(
    world: MockWorld,
    readonly network: MockNetwork,
    readonly ifms: MockBuffer[],
    readonly ofms: MockBuffer[],
    pmuEvents: number[],
    readonly cycleEnabled: boolean,
  ) {
    super(world, 'Inference');
    this.events = [...pmuEvents, ...new Array<number>(8 - pmuEvents.length).fill(0)];
  }

  /** The firmware answers: OK writes the emulator's documented outputs and PMU values. */
  complete(status: number): void {
    if (this.done) return;
    this.done = true;
    if (this.statusCode === STATUS.ABORTING || this.statusCode === STATUS.ABORTED) {
      status = STATUS.ABORTED;
    }
    this.statusCode = status;
    if (status === STATUS.OK) this.#compute();
    this.#waiters.ended();
  }

  #compute(): void {
    const info = this.network.networkInfo ?? defaultInfo;
    const inputs = this.ifms.map((b, i) => b.device.subarray(0, info.ifmSizes[i]));
    const t = inputs.reduce((n, x) => n + x.length, 0);
    const outputs = expectedOutputs(inputs, info.ofmSizes);
    this.ofms.forEach((b, k) => b.device.set(outputs[k] ?? []));
    const counters = this.network.device.config.counters ?? NPUS['u55-128'].pmuCounters;
    this.counts = expectedPmu(this.events, t, counters);
    this.cycles = this.cycleEnabled ? expectedCycles(t, info.ofmSizes) : 0n;
  }

  status(): NativeStatus {
    this.check();
    this.world.maybeFail('status', 'ioctl(INFERENCE_STATUS)');
    return {
      status: this.statusCode,
      pmuEvents: [...this.events],
      pmuCounts: [...this.counts],
      cycleEnabled: this.cycleEnabled,
      cycleCount: this.cycles,
    };
  }

  async cancel(): Promise<number> {
    this.check();
    this.cancelCalls++;
    await Promise.resolve(); // the addon answers from a worker thread
    this.world.maybeFail('cancel', 'ioctl(INFERENCE_CANCEL)');
    if (this.done) return STATUS.ERROR;
    if (this.world.refuseCancel > 0) {
      // Refused: the kernel leaves it RUNNING; it ends with the firmware's own result.
      this.world.refuseCancel--;
      return STATUS.ERROR;
    }
    // Acknowledged: the kernel forces ABORTED; the fd turns readable when the firmware answers.
    this.statusCode = STATUS.ABORTED;
    setTimeout(() => this.complete(STATUS.ABORTED), 0);
    return STATUS.OK;
  }

  wait(timeoutMs: number): Promise<boolean> {
    this.check();
    if (this.done) return Promise.resolve(true);
    return this.#waiters.wait(timeoutMs);
  }

  override close(): void {
    if (!this.isOpen) return;
    this.#waiters.closed(closedError('Inference'));
    super.close();
  }
}
