// SPDX-License-Identifier: Apache-2.0
// A CLI context for the CLI's unit tests: the real library (src/) over the mock binding, with
// in-memory files, captured output and a clock that advances 1 ms per reading.

import { afterEach } from 'vitest';

import { setBinding } from '../../../src/binding.js';
import type { Context, Output } from '../../../src/cli/context.js';
import type { CliLibrary } from '../../../src/cli/library.js';
import { Device } from '../../../src/index.js';
import type { NativeCapabilities, NativeNetworkInfo } from '../../../src/binding.js';
import type { NpuFamily } from '../../../src/types.js';
import { NPUS } from '../../oracle/emulator.js';
import { type MockDevice, MockWorld, STATUS } from './mock-binding.js';

/** The emulator's NPU per family (the oracle's table); 'unknown' is a product it does not know. */
const NPU_OF: Record<NpuFamily, { capabilities: NativeCapabilities; pmuCounters: number }> = {
  U55: NPUS['u55-128'],
  U65: NPUS['u65-256'],
  U85: NPUS['u85-256'],
  unknown: {
    capabilities: { ...NPUS['u55-128'].capabilities, productMajor: 9 },
    pmuCounters: NPUS['u55-128'].pmuCounters,
  },
};

/** The KWS model's sizes: 490 bytes in, 12 out. */
export const KWS_INFO: NativeNetworkInfo = {
  description: 'Vela Optimised',
  ifmSizes: [490],
  ofmSizes: [12],
};

/** What the firmware does with inference k (in creation order). */
export type Outcome = 'ok' | 'error' | 'rejected' | 'hang';

const OUTCOME_STATUS: Record<Outcome, number | undefined> = {
  ok: STATUS.OK,
  error: STATUS.ERROR,
  rejected: STATUS.REJECTED,
  hang: undefined,
};

/**
 * /dev/ethosu0, /dev/ethosu1, ... of the given NPU families. Every network has `info` (KWS
 * sizes by default), bytes or built-in index alike, but built-in index 0, which the firmware does
 * not have (NETWORK_INFO fails with EBADF).
 */
export class CliWorld extends MockWorld {
  constructor(npus: NpuFamily[] = ['U55', 'U65'], info: NativeNetworkInfo = KWS_INFO) {
    super();
    this.networkInfo = info;
    npus.forEach((npu, i) => {
      const { capabilities, pmuCounters } = NPU_OF[npu];
      this.addDevice(`/dev/ethosu${i}`, {
        capabilities,
        counters: pmuCounters,
        userInfo: () => this.networkInfo,
        builtins: new Proxy({} as Record<number, NativeNetworkInfo>, {
          get: (_, key) => (key === '0' ? undefined : this.networkInfo),
        }),
      });
    });
  }

  /** NETWORK_INFO of every network the firmware has. */
  networkInfo: NativeNetworkInfo;

  /** Inference k finishes as `fn(k)` says ('hang': never). */
  setOutcome(fn: (k: number) => Outcome): void {
    this.outcome = (k) => OUTCOME_STATUS[fn(k)];
  }

  /** The device the CLI opened last at `path`. */
  device(path = '/dev/ethosu0'): MockDevice | undefined {
    return this.opened.filter((d) => d.path === path).at(-1);
  }
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

export interface CliContext extends Context {
  out: Captured;
  err: Captured;
  files: Map<string, Uint8Array>;
  world: CliWorld;
  /** The library the commands get: the real one; tests may replace `Device.list`. */
  lib: CliLibrary;
}

afterEach(() => setBinding(undefined));

/**
 * A context whose library is the real one over `world`. `Device.list()` reads /dev, which on
 * the host has no Ethos-U nodes, so the context's library lists the world's devices instead.
 */
export function cliContext(
  world = new CliWorld(),
  opts: { tty?: boolean; env?: Record<string, string> } = {},
): CliContext {
  setBinding(world);
  const out = new Captured(opts.tty ?? false);
  const err = new Captured(opts.tty ?? false);
  const files = new Map<string, Uint8Array>();
  const lib: CliLibrary = {
    Device: {
      open: (pathOrIndex) => Device.open(pathOrIndex),
      list: () => [...world.devices.keys()].sort(),
    },
  };
  let clock = 0;
  return {
    world,
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
