// SPDX-License-Identifier: Apache-2.0
// The fault matrix rows a Node user can reach (test/e2e/fault-matrix.ts, the table of
// docs/reliability.md): each fault is armed with the emulator's knobs, hits the step through the
// library, and Node must report the row's code and status; then the knobs go back and a fresh
// Device runs an inference with the right outputs (the recovery).
import { readFileSync, writeFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { Device, type EthosUError } from '../../src/index.js';
import { FAULT_MATRIX, type MatrixRow } from './fault-matrix.js';
import {
  BUILTIN,
  DEBUGFS,
  emuIdle,
  expectedOutputs,
  failure,
  inGuest,
  nodeOfSubsystem,
  overAmpChain,
  pattern,
  subsystemOf,
} from './helpers.js';

const SUB = 0;
const ONLINE_MS = 15_000;

// By subsystem, not by /dev node: a crash removes the node while the test still writes knobs.
const knobPath = (knob: string) => `${DEBUGFS}/${SUB}/${knob}`;
const knob = (k: string) => readFileSync(knobPath(k), 'utf8').trim();
const setKnob = (k: string, v: string | number) => writeFileSync(knobPath(k), String(v));
const setKnobs = (ks: Record<string, string | number> | undefined) =>
  Object.entries(ks ?? {}).forEach(([k, v]) => setKnob(k, v));

function online(): boolean {
  return /^online\s+1$/m.test(knob('stats'));
}

async function waitOnline(): Promise<number> {
  for (const end = Date.now() + ONLINE_MS; Date.now() < end; ) {
    if (online()) {
      try {
        return nodeOfSubsystem(SUB);
      } catch {
        // registered, not probed yet
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`subsystem ${SUB} did not come back within ${ONLINE_MS} ms`);
}

/** Puts every knob the row touches back: counts to 0, corrupt to none, the latency as it was. */
function reset(row: MatrixRow, latency: string): void {
  const touched = new Set([...row.arm.flatMap(Object.keys), ...Object.keys(row.disarm ?? {})]);
  setKnobs(row.disarm);
  for (const k of touched) {
    if (k === 'latency_us') setKnob(k, latency);
    else if (k === 'corrupt') setKnob(k, 'none');
    else if (k !== 'crash' && k !== 'send_err') setKnob(k, 0);
  }
}

/** Arms the variant's knobs just before the step and returns what Node reports. */
async function hit(
  row: MatrixRow,
  dev: Device,
  arm: Record<string, string | number>,
): Promise<EthosUError> {
  if (row.step === 'network') {
    setKnobs(arm);
    return failure(() => dev.createNetwork({ index: BUILTIN.kws.index }));
  }
  using net = await dev.createNetwork({ index: BUILTIN.kws.index });
  setKnobs(arm);
  const running = failure(() => net.run(pattern(490, 5), { timeoutMs: row.timeoutMs ?? 30_000 }));
  if (row.step === 'run-during') {
    await new Promise((r) => setTimeout(r, 300));
    setKnobs(row.during);
  }
  return running;
}

/** The row restarts the firmware with the fake transport's `crash` knob (not over the chain). */
const usesCrashKnob = (row: MatrixRow) =>
  [...row.arm, row.during ?? {}].some((ks) => 'crash' in ks);

describe.runIf(inGuest())('fault matrix through the library (docs/reliability.md)', () => {
  for (const row of FAULT_MATRIX) {
    row.arm.forEach((arm) => {
      const name = `${row.phase} | ${row.fault}${row.arm.length > 1 ? ` (${JSON.stringify(arm)})` : ''}`;
      const title = `${name}: ${row.code}${row.status ? `, status ${row.status}` : ''}`;
      it.skipIf(overAmpChain() && usesCrashKnob(row))(title, async () => {
        const latency = knob('latency_us');
        const node = await waitOnline();
        expect(subsystemOf(node)).toBe(SUB);
        const dev = Device.open(node);
        try {
          const e = await hit(row, dev, arm);
          expect(e.code).toBe(row.code);
          expect((e as EthosUError & { status?: string }).status).toBe(row.status);
          if (row.message) expect(e.message).toMatch(row.message);
          if (row.then !== undefined) expect((await failure(() => dev.ping())).code).toBe(row.then);
        } finally {
          dev.close();
          reset(row, latency);
          await emuIdle(await waitOnline(), 10_000);
        }
        // The recovery: a fresh device runs an inference with the right outputs.
        using again = Device.open(await waitOnline());
        using net = await again.createNetwork({ index: BUILTIN.kws.index });
        const x = pattern(490, 9);
        const r = await net.run(x, { timeoutMs: 30_000 });
        expect(r.outputs[0]).toEqual(expectedOutputs([x], [12])[0]);
      });
    });
  }
});
