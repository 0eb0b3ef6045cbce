// SPDX-License-Identifier: Apache-2.0
// A fake library and context for the CLI's unit tests. The fake firmware computes outputs, PMU
// counts and cycles the way docs/emulator.md specifies, so expected values are independent.

import { EthosUError } from '../../src/errors.js';
import type { Context, Output } from '../../src/cli/context.js';
import type {
  CliBuffer,
  CliDevice,
  CliInference,
  CliLibrary,
  CliNetwork,
} from '../../src/cli/library.js';
import type { Capabilities, InferenceStatus, NpuFamily, TfliteModel } from '../../src/types.js';
import type { NativeCapabilities } from '../../src/binding.js';
import { expectedCycles, expectedOutputs, expectedPmu, NPUS } from '../oracle/emulator.js';

export interface FakeBehaviour {
  /** Per inference (0-based, counting every inference created): what happens. */
  outcome?: (k: number) => 'ok' | 'error' | 'rejected' | 'hang';
  /** Whether cancel() of a hanging inference succeeds. */
  cancelOk?: boolean;
}

export interface FakeNetworkSpec {
  ifmSizes: number[];
  ofmSizes: number[];
  description?: string;
  model?: TfliteModel;
}

export class FakeBuffer implements CliBuffer {
  readonly data: Uint8Array;
  closed = false;
  constructor(readonly size: number) {
    if (size <= 0) {
      throw new EthosUError('size 0', { code: 'EINVAL', syscall: 'ioctl(BUFFER_CREATE)' });
    }
    this.data = new Uint8Array(size);
  }
  close() {
    this.closed = true;
  }
}

export class FakeInference implements CliInference {
  status: InferenceStatus = 'running';
  pmuCounters: bigint[] = new Array<bigint>(8).fill(0n);
  cycleCount = 0n;
  closed = false;
  constructor(
    private readonly result: 'ok' | 'error' | 'rejected' | 'hang',
    private readonly cancelOk: boolean,
    readonly run: () => void,
  ) {}
  async wait(): Promise<boolean> {
    if (this.result === 'hang') return false;
    this.run();
    this.status = this.result;
    return true;
  }
  async cancel(): Promise<boolean> {
    if (this.status !== 'running') return false;
    if (this.cancelOk) this.status = 'aborted';
    return this.cancelOk;
  }
  close() {
    this.closed = true;
  }
}

export class FakeNetwork implements CliNetwork {
  readonly info: { description: string; ifmSizes: number[]; ofmSizes: number[] };
  readonly model?: TfliteModel;
  readonly inputs = [];
  readonly outputs = [];
  closed = false;
  created: { pmuEvents?: number[]; cycles?: boolean }[] = [];
  inferences: FakeInference[] = [];
  constructor(
    spec: FakeNetworkSpec,
    private readonly lib: FakeLibrary,
    private readonly npu: NpuFamily,
  ) {
    this.info = {
      description: spec.description ?? '',
      ifmSizes: spec.ifmSizes,
      ofmSizes: spec.ofmSizes,
    };
    if (spec.model !== undefined) this.model = spec.model;
  }

  async createInference(
    ifms: CliBuffer[],
    ofms: CliBuffer[],
    opts: { pmuEvents?: number[]; cycles?: boolean } = {},
  ): Promise<CliInference> {
    if (ifms.length !== this.info.ifmSizes.length || ofms.length !== this.info.ofmSizes.length) {
      throw new Error('fake: wrong buffer count');
    }
    const k = this.lib.inferenceCount++;
    this.created.push(opts);
    const result = this.lib.behaviour.outcome?.(k) ?? 'ok';
    const inf: FakeInference = new FakeInference(result, this.lib.behaviour.cancelOk ?? true, () =>
      this.compute(inf, ifms, ofms, opts),
    );
    this.inferences.push(inf);
    return inf;
  }

  /** The emulator's outputs and counters, from the oracle. */
  private compute(
    inf: FakeInference,
    ifms: readonly CliBuffer[],
    ofms: readonly CliBuffer[],
    opts: { pmuEvents?: number[]; cycles?: boolean },
  ) {
    const inputs = ifms.map((b, i) => b.data.subarray(0, this.info.ifmSizes[i]));
    const t = inputs.reduce((a, p) => a + p.length, 0);
    const outputs = expectedOutputs(inputs, this.info.ofmSizes);
    ofms.forEach((b, k) => b.data.set(outputs[k] ?? []));
    const counters = this.npu === 'U85' ? NPUS['u85-256'].pmuCounters : NPUS['u55-128'].pmuCounters;
    inf.pmuCounters = expectedPmu(opts.pmuEvents ?? [], t, counters);
    inf.cycleCount = opts.cycles ? expectedCycles(t, this.info.ofmSizes) : 0n;
  }

  close() {
    this.closed = true;
  }
}

/** The emulator's NPUs per family (the oracle's table). */
const HW: Record<NpuFamily, NativeCapabilities | undefined> = {
  U55: NPUS['u55-128'].capabilities,
  U65: NPUS['u65-256'].capabilities,
  U85: NPUS['u85-256'].capabilities,
  unknown: undefined,
};

export class FakeDevice implements CliDevice {
  readonly driverVersion = { major: 4, minor: 0, patch: 0 };
  closed = false;
  pings = 0;
  buffers: FakeBuffer[] = [];
  networks: FakeNetwork[] = [];
  loaded: (string | Uint8Array | { index: number })[] = [];
  constructor(
    readonly path: string,
    readonly npu: NpuFamily,
    private readonly lib: FakeLibrary,
  ) {}
  capabilities(): Capabilities {
    const hw = HW[this.npu] ?? { ...NPUS['u55-128'].capabilities, productMajor: 9 };
    return {
      hwId: {
        versionStatus: hw.versionStatus,
        version: { major: hw.versionMajor, minor: hw.versionMinor },
        product: { major: hw.productMajor },
        architecture: { major: hw.archMajorRev, minor: hw.archMinorRev, patch: hw.archPatchRev },
      },
      hwCfg: {
        macsPerClockCycle: hw.macsPerClockCycle,
        cmdStreamVersion: hw.cmdStreamVersion,
        customDma: false,
        type: 'subsystem',
      },
      driver: { major: 0, minor: 16, patch: 0 },
      npu: this.npu,
    };
  }
  async ping() {
    this.pings++;
  }
  createBuffer(size: number): CliBuffer {
    const b = new FakeBuffer(size);
    this.buffers.push(b);
    return b;
  }
  async loadNetwork(src: string | Uint8Array | { index: number }): Promise<CliNetwork> {
    this.loaded.push(src);
    const spec = this.lib.networkFor(src);
    const net = new FakeNetwork(spec, this.lib, this.npu);
    this.networks.push(net);
    return net;
  }
  close() {
    this.closed = true;
  }
}

export class FakeLibrary implements CliLibrary {
  devices = new Map<string, FakeDevice>();
  opened: FakeDevice[] = [];
  inferenceCount = 0;
  behaviour: FakeBehaviour = {};
  /** Network for a source; default: the KWS model's 490 B in, 12 B out. */
  networkFor: (src: string | Uint8Array | { index: number }) => FakeNetworkSpec = (src) => {
    if (typeof src === 'object' && 'index' in src && src.index === 0) {
      throw new EthosUError('NETWORK_INFO failed: Bad file descriptor', {
        code: 'EBADF',
        syscall: 'ioctl(NETWORK_INFO)',
      });
    }
    return { ifmSizes: [490], ofmSizes: [12], description: 'Vela Optimised' };
  };

  constructor(npus: NpuFamily[] = ['U55', 'U65']) {
    npus.forEach((npu, i) =>
      this.devices.set(`/dev/ethosu${i}`, new FakeDevice(`/dev/ethosu${i}`, npu, this)),
    );
  }

  readonly Device = {
    open: (pathOrIndex: string | number = '/dev/ethosu0'): CliDevice => {
      const path = typeof pathOrIndex === 'number' ? `/dev/ethosu${pathOrIndex}` : pathOrIndex;
      const dev = this.devices.get(path);
      if (dev === undefined) {
        throw new EthosUError(`Cannot open ${path}: No such file or directory`, {
          code: 'ENOENT',
          errno: 2,
          syscall: 'open',
          path,
        });
      }
      dev.closed = false;
      this.opened.push(dev);
      return dev;
    },
    list: (): string[] => [...this.devices.keys()].sort(),
  };
}

export class Captured implements Output {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
  ) {}
  write(s: string) {
    this.text += s;
  }
}

export interface FakeContext extends Context {
  out: Captured;
  err: Captured;
  files: Map<string, Uint8Array>;
  lib: FakeLibrary;
}

export function fakeContext(
  lib = new FakeLibrary(),
  opts: { tty?: boolean; env?: Record<string, string> } = {},
): FakeContext {
  const out = new Captured(opts.tty ?? false);
  const err = new Captured(opts.tty ?? false);
  const files = new Map<string, Uint8Array>();
  let clock = 0;
  return {
    lib,
    out,
    err,
    files,
    library: async () => lib,
    stdout: out,
    stderr: err,
    env: opts.env ?? {},
    readFile(path) {
      const f = files.get(path);
      if (f === undefined) {
        const e = new Error(`ENOENT: no such file or directory, open '${path}'`) as Error & {
          code: string;
        };
        e.code = 'ENOENT';
        throw e;
      }
      return f;
    },
    writeFile(path, data) {
      if (path.startsWith('/readonly/')) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
          code: 'EACCES',
        });
      }
      files.set(path, Uint8Array.from(data));
    },
    // Every reading advances 1 ms: latencies and rates are deterministic.
    now: () => clock++,
    version: '0.1.0',
  };
}

/** The bytes the emulator writes to OFM k for the given input. */
export function expectedOfm(input: Uint8Array, k: number, size: number): Uint8Array {
  return expectedOutputs([input], [...new Array<number>(k).fill(0), size])[k]!;
}
