// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the end-to-end suites: the emulator's debugfs knobs, its documented formulas
// (from the one oracle, test/oracle/emulator.ts), and fd counting.

import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect } from 'vitest';

import { EthosUError } from '../../src/errors.js';

export { expectedCycles, expectedOutputs, expectedPmu } from '../oracle/emulator.js';

export const KWS_PATH = fileURLToPath(
  new URL('../fixtures/models/vela/kws_cnn_small_int8_u55-128_vela.tflite', import.meta.url),
);
export const KWS_INPUT_PATH = fileURLToPath(
  new URL('../fixtures/models/vela/kws_cnn_small_int8_u55-128_input.bin', import.meta.url),
);

/** Built-in networks the rig installs: index -> byte sizes (see docs/emulator.md). */
export const BUILTIN = {
  kws: { index: 1, ifm: [490], ofm: [12] },
  conv2d: { index: 2, ifm: [8 * 8 * 3], ofm: [6 * 6 * 2] },
  add: { index: 3, ifm: [4, 4], ofm: [4] },
} as const;

export const DEBUGFS = '/sys/kernel/debug/ethosu_emu';

/**
 * The emulator subsystem behind /dev/ethosu<dev>: devices probe asynchronously, so the node
 * numbers need not follow the subsystem numbers. Each firmware core names, in its debugfs
 * `device`, the device its node sits under (ethosu-emu.<N> on the fake transport, the
 * arm,ethosu-rproc node over the AMP chain); the node's sysfs path runs through it.
 */
export function subsystemOf(dev: number): number {
  const path = realpathSync(`/sys/class/ethosu/ethosu${dev}/device`);
  for (const sub of readdirSync(DEBUGFS).filter((name) => /^\d+$/.test(name))) {
    const host = readFileSync(`${DEBUGFS}/${sub}/device`, 'utf8').trim();
    if (path.includes(`/${host}/`)) return Number(sub);
  }
  throw new Error(`/dev/ethosu${dev} is not an emulator device (${path})`);
}

/** The N of the /dev/ethosuN that emulator subsystem `subsystem` probed as. */
export function nodeOfSubsystem(subsystem: number): number {
  const nodes = readdirSync('/sys/class/ethosu').map((n) => Number(n.replace('ethosu', '')));
  const found = nodes.find((n) => subsystemOf(n) === subsystem);
  if (found === undefined) throw new Error(`no /dev/ethosuN for emulator subsystem ${subsystem}`);
  return found;
}

/** The emulator's debugfs knob of the subsystem behind /dev/ethosu<dev>. */
export function emuKnob(dev: number, knob: string): string {
  return readFileSync(`${DEBUGFS}/${subsystemOf(dev)}/${knob}`, 'utf8').trim();
}

export function setEmuKnob(dev: number, knob: string, value: string | number): void {
  writeFileSync(`${DEBUGFS}/${subsystemOf(dev)}/${knob}`, String(value));
}

/** Runs `fn` with the device's inference latency set, restoring the old value after. */
export async function withLatency<T>(dev: number, us: number, fn: () => Promise<T>): Promise<T> {
  const old = emuKnob(dev, 'latency_us');
  setEmuKnob(dev, 'latency_us', us);
  try {
    return await fn();
  } finally {
    setEmuKnob(dev, 'latency_us', old);
    // An inference started under the long latency must not slow down the next test.
    await emuIdle(dev, us / 1000 + 2000);
  }
}

export function emuStats(dev: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of emuKnob(dev, 'stats').split('\n')) {
    const [name, value] = line.trim().split(/\s+/);
    if (name !== undefined && value !== undefined) out[name] = Number(value);
  }
  return out;
}

/** Waits until the emulator is idle (nothing queued or processing), at most `maxMs`. */
export async function emuIdle(dev: number, maxMs = 5000): Promise<void> {
  const busy = () => {
    const st = emuStats(dev);
    return (st.queued ?? 0) + (st.processing ?? 0) > 0;
  };
  for (const end = Date.now() + maxMs; busy() && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function inGuest(): boolean {
  return process.env.ETHOSU_IN_GUEST === '1' && existsSync(DEBUGFS);
}

/**
 * Over the AMP chain (test/amp/uapi-chain sets ETHOSU_TRANSPORT=amp): remoteproc owns the
 * firmware cores, so ethosu_emu.ko cannot be reloaded and the cores have no `crash` knob.
 */
export function overAmpChain(): boolean {
  return process.env.ETHOSU_TRANSPORT === 'amp';
}

export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

export function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 3) % 256);
}

export async function failure(fn: () => unknown): Promise<EthosUError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EthosUError);
    return err as EthosUError;
  }
  throw new Error('expected an EthosUError, nothing was thrown');
}

/** Runs the collector until `done()` or the attempts run out (finalizers run asynchronously). */
export async function collectUntil(done: () => boolean, attempts = 50): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < attempts && !done(); i++) {
    gc();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
  }
  return done();
}
