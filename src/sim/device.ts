// SPDX-License-Identifier: Apache-2.0
// Simulated devices, `sim:u55-128` and every other NPU configuration Vela compiles for: the same
// interface as the addon's kernel device (src/binding.ts), played in-process with no kernel,
// module or root. It behaves as the firmware emulator documents (docs/emulator.md): one
// inference active at a time, in order; a waiting inference can be cancelled; outputs, PMU
// counts and cycles follow the emulator's formula; except that a network whose subgraph is the
// ethos-u operator alone runs on the NPU functional model (npu/, in the addon), on a libuv
// worker thread, and gives the hardware's output bytes. See docs/sim.md.

import { constants as osConstants } from 'node:os';

import {
  binding,
  type NativeBinding,
  type NativeBuffer,
  type NativeCapabilities,
  type NativeDevice,
  type NativeInference,
  type NativeNetwork,
  type NativeNetworkInfo,
  type NativeSim,
  type NativeSimHw,
  type NativeSimModel,
  type NativeSimRunResult,
  type NativeStatus,
  type NativeVersion,
} from '../binding.js';
import { closedError, EthosUError } from '../errors.js';
import { pmuCounterCount } from '../pmu/family.js';
import { readTflite } from '../tflite/reader.js';
import { velaConfigurations } from '../tflite/vela.js';
import { InferenceWaiters } from './waiters.js';

export const SIM_PREFIX = 'sim:';

/** The firmware's queue: like the emulator's 64-message ring, INFERENCE_CREATE then says EAGAIN. */
const QUEUE_CAPACITY = 64;
/** What CAPABILITIES_RSP says of the firmware's NPU driver: the emulator's claim (0.16.0). */
const CORE_DRIVER = { major: 0, minor: 16, patch: 0 };
/** NETWORK_INFO carries at most this many inputs and outputs, and 31 description bytes. */
const NETWORK_IO_MAX = 16;
const DESC_MAX = 31;
/** The emulator's formula (docs/emulator.md). */
const PMU_EVENT_SCALE = 1000;
const CYCLES_BASE = 100000;

type Errno = keyof typeof osConstants.errno;

/** The error shape of a failed system call, as the addon throws it. */
function sysError(syscall: string, code: Errno, why: string, path?: string): EthosUError {
  const errno = osConstants.errno[code];
  return new EthosUError(`${syscall} failed${path ? ` on ${path}` : ''}: ${why} (${code}).`, {
    code,
    errno: -errno,
    syscall,
    ...(path !== undefined ? { path } : {}),
  });
}

/** Every sim: device name, e.g. 'sim:u55-128', with its MAC count. */
export function simConfigurations(): { path: string; name: string; macs: number }[] {
  return velaConfigurations().map(({ name, macs }) => {
    const short = name.replace(/^ethos-/, '');
    return { path: `${SIM_PREFIX}${short}`, name: short, macs };
  });
}

export function isSimPath(path: string): boolean {
  return path.startsWith(SIM_PREFIX);
}

function simAddon(): NativeSim {
  const sim = binding().sim;
  if (sim === undefined) {
    throw new EthosUError(
      'The loaded ethos-u addon has no NPU simulator: rebuild it (npm run build:addon) or ' +
        'reinstall the package.',
      { code: 'ERR_ETHOSU_ADDON' },
    );
  }
  return sim;
}

let nextId = 0x10000000;

abstract class SimFdObject {
  fd: number;
  constructor(private readonly what: string) {
    this.fd = nextId++;
  }
  get isOpen(): boolean {
    return this.fd >= 0;
  }
  protected check(): void {
    if (this.fd < 0) throw closedError(this.what);
  }
  close(): void {
    this.fd = -1;
  }
}

/** Counters of a simulated firmware, like the emulator's debugfs `stats`. */
export interface SimStats {
  inferencesOk: number;
  inferencesError: number;
  inferencesAborted: number;
  /** Waiting, and active (0 or 1). */
  queued: number;
  processing: number;
}

/**
 * The simulated subsystem behind every `sim:<npu>` device of one name in this thread: its
 * queue, shared by all devices opened on it as the firmware's is by all fds of a node.
 */
export class SimFirmware {
  readonly counters: number;
  /** Minimum time an inference is active, like the emulator's latency_us (default 0). */
  latencyUs = 0;
  readonly stats: SimStats = {
    inferencesOk: 0,
    inferencesError: 0,
    inferencesAborted: 0,
    queued: 0,
    processing: 0,
  };
  #waiting: SimInference[] = [];
  #active: SimInference | undefined;
  #idle: (() => void)[] = [];

  constructor(
    readonly npu: string,
    readonly hw: NativeSimHw,
  ) {
    this.counters = pmuCounterCount(hw.family);
  }

  /** @internal Queues an inference; false when the queue is full. */
  submit(inf: SimInference): boolean {
    if (this.#waiting.length + (this.#active ? 1 : 0) >= QUEUE_CAPACITY) return false;
    this.#waiting.push(inf);
    this.#next();
    return true;
  }

  /** @internal Removes a waiting (not yet active) inference: true if it was waiting. */
  unqueue(inf: SimInference): boolean {
    const i = this.#waiting.indexOf(inf);
    if (i < 0) return false;
    this.#waiting.splice(i, 1);
    this.stats.inferencesAborted++;
    this.#update();
    return true;
  }

  /** @internal The active inference was answered with `status`: start the next one. */
  finished(inf: SimInference, status: 'ok' | 'error'): void {
    if (status === 'ok') this.stats.inferencesOk++;
    else this.stats.inferencesError++;
    if (this.#active === inf) this.#active = undefined;
    this.#next();
  }

  /** Resolves once nothing is queued or active. */
  idle(): Promise<void> {
    if (this.#active === undefined && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #next(): void {
    if (this.#active === undefined) {
      this.#active = this.#waiting.shift();
      this.#active?.start(this.latencyUs);
    }
    this.#update();
  }

  #update(): void {
    this.stats.queued = this.#waiting.length;
    this.stats.processing = this.#active === undefined ? 0 : 1;
    if (this.#active === undefined && this.#waiting.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}

const firmwares = new Map<string, SimFirmware>();

/** The simulated subsystem of `sim:<npu>` (e.g. 'u55-128'), or undefined for an unknown name. */
export function simFirmware(npu: string): SimFirmware | undefined {
  let fw = firmwares.get(npu);
  if (fw !== undefined) return fw;
  const config = simConfigurations().find((c) => c.name === npu);
  const hw = config === undefined ? undefined : simAddon().hw(npu, config.macs);
  if (hw === undefined) return undefined;
  fw = new SimFirmware(npu, hw);
  firmwares.set(npu, fw);
  return fw;
}

/** Opens `sim:<npu>`; an unknown name is EINVAL with the valid names. */
export function openSim(path: string): NativeDevice {
  const fw = simFirmware(path.slice(SIM_PREFIX.length));
  if (fw === undefined) {
    throw sysError(
      'open',
      'EINVAL',
      `no simulated NPU "${path.slice(SIM_PREFIX.length)}"; use one of ` +
        simConfigurations()
          .map((c) => c.path)
          .join(', '),
      path,
    );
  }
  return new SimDevice(path, fw);
}

export class SimDevice extends SimFdObject implements NativeDevice {
  // Weak, like fds: a buffer dropped without close() must stay collectable.
  readonly #buffers = new Map<number, WeakRef<SimBuffer>>();
  readonly #forget = new FinalizationRegistry<number>((fd) => this.#buffers.delete(fd));

  constructor(
    readonly path: string,
    readonly firmware: SimFirmware,
  ) {
    super('Device');
  }

  // A promise, as the kernel device's (its PING can wait for firmware queue room).
  ping(): Promise<void> {
    try {
      this.check();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  driverVersion(): NativeVersion {
    this.check();
    return { ...binding().constants.DRIVER_VERSION };
  }

  /** The ID register and CONFIG word's fields, raw, as the core driver reads them. */
  capabilities(): NativeCapabilities {
    this.check();
    const { id, config } = this.firmware.hw;
    return {
      versionStatus: id & 0xf,
      versionMinor: (id >>> 4) & 0xf,
      versionMajor: (id >>> 8) & 0xf,
      productMajor: (id >>> 12) & 0xf,
      archPatchRev: (id >>> 16) & 0xf,
      archMinorRev: (id >>> 20) & 0xff,
      archMajorRev: (id >>> 28) & 0xf,
      macsPerClockCycle: config & 0xf,
      cmdStreamVersion: (config >>> 4) & 0xf,
      customDma: 0,
      type: binding().constants.DEVICE_TYPE.SUBSYSTEM,
      driverPatchRev: CORE_DRIVER.patch,
      driverMinorRev: CORE_DRIVER.minor,
      driverMajorRev: CORE_DRIVER.major,
    };
  }

  createBuffer(size: number, copyMode: boolean): NativeBuffer {
    this.check();
    if (!Number.isSafeInteger(size) || size < 1) {
      throw sysError('ioctl(BUFFER_CREATE)', 'EINVAL', 'the buffer size must be at least 1 byte');
    }
    let b: SimBuffer;
    try {
      b = new SimBuffer(size, !copyMode, (fd) => this.#buffers.delete(fd));
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw sysError(
        'ioctl(BUFFER_CREATE)',
        'ENOMEM',
        `the simulator cannot allocate ${size} bytes (${err.message}): use smaller buffers`,
      );
    }
    this.#buffers.set(b.fd, new WeakRef(b));
    this.#forget.register(b, b.fd, b);
    return b;
  }

  /** @internal The open buffer `fd` of this device, if any. */
  buffer(fd: number): SimBuffer | undefined {
    const b = this.#buffers.get(fd)?.deref();
    return b?.isOpen ? b : undefined;
  }

  createNetwork(data: Uint8Array): NativeNetwork {
    this.check();
    if (data.byteLength === 0) {
      throw sysError('ioctl(NETWORK_CREATE)', 'EINVAL', 'the model bytes are empty');
    }
    return new SimNetwork(this, data.slice());
  }

  createNetworkIndex(index: number): NativeNetwork {
    this.check();
    return new SimNetwork(this, index);
  }

  /** Like the addon: settles later, on a copy of the bytes. */
  async loadNetwork(
    src: Uint8Array | number,
  ): Promise<{ network: NativeNetwork; info: NativeNetworkInfo }> {
    this.check();
    const copy = typeof src === 'number' ? src : src.slice();
    await new Promise((r) => setImmediate(r));
    this.check();
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

function STATUS(): NativeBinding['constants']['STATUS'] {
  return binding().constants.STATUS;
}

export class SimBuffer extends SimFdObject implements NativeBuffer {
  /** What the NPU sees. */
  readonly device: Uint8Array;
  #data: ArrayBuffer;

  constructor(
    readonly size: number,
    readonly zeroCopy: boolean,
    private readonly onClose: (fd: number) => void,
  ) {
    super('Buffer');
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

  /** Like the kernel's buffer: the memory is given back, and views taken before read zeros. */
  override close(): void {
    if (!this.isOpen) return;
    this.onClose(this.fd);
    super.close();
    this.device.fill(0);
    if (!this.zeroCopy) new Uint8Array(this.#data).fill(0);
  }
}

/** NETWORK_INFO as the emulator answers it from the TFLite file, or the reason it cannot. */
function networkInfo(bytes: Uint8Array): NativeNetworkInfo | string {
  let model;
  try {
    model = readTflite(bytes);
  } catch (err) {
    return (err as Error).message;
  }
  if (model.inputs.length > NETWORK_IO_MAX || model.outputs.length > NETWORK_IO_MAX) {
    return `the model has more than ${NETWORK_IO_MAX} inputs or outputs`;
  }
  if ([...model.inputs, ...model.outputs].some((t) => t.dtype === 'int4')) {
    return 'the firmware does not take int4 inputs or outputs';
  }
  let desc = Buffer.from(model.description, 'utf8');
  if (desc.length > DESC_MAX) desc = desc.subarray(0, DESC_MAX);
  return {
    description: desc.toString('utf8'),
    ifmSizes: model.inputs.map((t) => t.byteSize),
    ofmSizes: model.outputs.map((t) => t.byteSize),
  };
}

export class SimNetwork extends SimFdObject implements NativeNetwork {
  /** The NPU model's view of the file, when the subgraph is the ethos-u operator alone. */
  readonly model: NativeSimModel | undefined;
  readonly #info: NativeNetworkInfo | string;

  constructor(
    readonly device: SimDevice,
    src: Uint8Array | number,
  ) {
    super('Network');
    if (typeof src === 'number') {
      this.#info = `${device.path} has no built-in networks (index ${src})`;
      return;
    }
    this.#info = networkInfo(src);
    const model = new (simAddon().Model)(src);
    if (model.ok) this.model = model;
  }

  info(): NativeNetworkInfo {
    this.check();
    if (typeof this.#info === 'string') {
      throw sysError(
        'ioctl(NETWORK_INFO)',
        'EBADF',
        `the simulated firmware could not use this network: ${this.#info}`,
        this.device.path,
      );
    }
    return structuredClone(this.#info);
  }

  createInference(
    ifmFds: number[],
    ofmFds: number[],
    pmuEvents: number[],
    cycleCounter: boolean,
  ): NativeInference | null {
    this.check();
    const lookup = (fd: number): SimBuffer => {
      const b = this.device.buffer(fd);
      if (b === undefined) {
        throw sysError(
          'ioctl(INFERENCE_CREATE)',
          'EINVAL',
          'one of the input or output buffers is not a buffer of this device (closed, or from ' +
            'another device)',
        );
      }
      return b;
    };
    const info = this.info();
    const inf = new SimInference(
      this,
      info,
      ifmFds.map(lookup),
      ofmFds.map(lookup),
      pmuEvents,
      cycleCounter,
    );
    if (!this.device.firmware.submit(inf)) {
      inf.close();
      return null; // EAGAIN: the queue is full
    }
    return inf;
  }
}

export class SimInference extends SimFdObject implements NativeInference {
  #status: number;
  #done = false;
  #detail: string | undefined;
  #counts = new Array<bigint>(8).fill(0n);
  #cycles = 0n;
  readonly #events: number[];
  readonly #waiters = new InferenceWaiters();

  constructor(
    readonly network: SimNetwork,
    readonly info: NativeNetworkInfo,
    readonly ifms: SimBuffer[],
    readonly ofms: SimBuffer[],
    pmuEvents: number[],
    readonly cycleEnabled: boolean,
  ) {
    super('Inference');
    const max = binding().constants.PMU_EVENT_MAX;
    this.#status = STATUS().RUNNING;
    this.#events = Array.from({ length: max }, (_, i) => pmuEvents[i] ?? 0);
    this.#counts = new Array<bigint>(max).fill(0n);
  }

  /** @internal Becomes the active inference: reads its IFMs now, as the NPU does. */
  start(latencyUs: number): void {
    const inputs = this.ifms.map((b, i) => b.device.slice(0, this.info.ifmSizes[i]));
    const model = this.network.model;
    const until = performance.now() + latencyUs / 1000;
    // Answered no earlier than the latency, like the emulator.
    const answer = (outputs: Uint8Array[] | undefined, detail?: string) => {
      const left = until - performance.now();
      if (left > 0) setTimeout(() => this.#finish(outputs, detail), left);
      else this.#finish(outputs, detail);
    };
    if (model === undefined) {
      const outputs = formulaOutputs(inputs, this.info.ofmSizes);
      setImmediate(() => answer(outputs));
      return;
    }
    const { npu, hw } = this.network.device.firmware;
    let running: Promise<NativeSimRunResult>;
    try {
      running = model.run(npu, hw.macs, inputs);
    } catch (err) {
      const why = (err as Error).message;
      setImmediate(() => answer(undefined, why)); // never leave the queue stuck
      return;
    }
    running.then(
      (r) => {
        if (r.status === 'OK') answer(r.outputs);
        else answer(undefined, `the NPU model stopped with ${r.status}: ${r.message}`);
      },
      (err: unknown) => answer(undefined, (err as Error).message),
    );
  }

  #finish(outputs: Uint8Array[] | undefined, detail?: string): void {
    const t = this.info.ifmSizes.reduce((a, b) => a + b, 0);
    const fw = this.network.device.firmware;
    if (outputs === undefined) {
      this.#detail = detail;
      this.complete(STATUS().ERROR);
      fw.finished(this, 'error');
      return;
    }
    this.ofms.forEach((b, k) => {
      if (b.isOpen) b.device.set(outputs[k] ?? []);
    });
    this.#counts = this.#events.map((e, i) =>
      i < fw.counters && e !== 0 ? BigInt(PMU_EVENT_SCALE * e + i + t) : 0n,
    );
    if (this.cycleEnabled) {
      this.#cycles = BigInt(CYCLES_BASE + t + this.info.ofmSizes.reduce((a, b) => a + b, 0));
    }
    this.complete(STATUS().OK);
    fw.finished(this, 'ok');
  }

  /** @internal The firmware answers; a cancel the firmware accepted keeps the status ABORTED. */
  complete(status: number): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#status === STATUS().ABORTED) status = STATUS().ABORTED;
    if (status !== STATUS().OK) {
      this.#counts.fill(0n);
      this.#cycles = 0n;
    }
    this.#status = status;
    this.#waiters.ended();
  }

  status(): NativeStatus {
    this.check();
    const st: NativeStatus = {
      status: this.#status,
      pmuEvents: [...this.#events],
      pmuCounts: [...this.#counts],
      cycleEnabled: this.cycleEnabled,
      cycleCount: this.#cycles,
    };
    if (this.#detail !== undefined) st.detail = this.#detail;
    return st;
  }

  /**
   * Like the emulator: a waiting inference is removed (ABORTED); the active one cannot be
   * stopped, but the cancel is acknowledged, so the kernel's status reads ABORTED and the
   * inference completes later; an ended one: ERROR.
   */
  async cancel(): Promise<number> {
    this.check();
    await new Promise((r) => setImmediate(r));
    if (this.#done) return STATUS().ERROR;
    this.#status = STATUS().ABORTED;
    if (this.network.device.firmware.unqueue(this)) this.complete(STATUS().ABORTED);
    return STATUS().OK;
  }

  wait(timeoutMs: number): Promise<boolean> {
    this.check();
    if (this.#done) return Promise.resolve(true);
    return this.#waiters.wait(timeoutMs);
  }

  override close(): void {
    if (!this.isOpen) return;
    this.#waiters.closed(closedError('Inference'));
    super.close();
  }
}

/** The emulator's formula: ofm_k[j] = (in[j mod T] + k + 1) mod 256, in = the IFMs joined. */
function formulaOutputs(inputs: Uint8Array[], ofmSizes: readonly number[]): Uint8Array[] {
  const all = Buffer.concat(inputs);
  const t = all.length;
  return ofmSizes.map((size, k) => {
    const out = new Uint8Array(size);
    for (let j = 0; j < size; j++) out[j] = ((t ? all[j % t]! : 0) + k + 1) & 0xff;
    return out;
  });
}
