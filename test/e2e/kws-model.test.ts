// SPDX-License-Identifier: Apache-2.0
// The emulator's NPU model path (docs/emulator.md), through the library and the CLI in the
// guest: the shared Vela KWS models, given the input recorded on hardware, answer the bytes real
// Ethos-U hardware answered (test/fixtures/models/vela/*_expected_output.bin). The file reloads
// the emulator with three subsystems, the emulator's defaults per index: U55-128, U65-256 and
// U85-256 (KWS_NPUS, in that order), and puts the rig's emulator back afterwards. Over the AMP
// chain, where remoteproc holds the emulator, it uses the chain's cores as they are (core N has
// index N's NPU: U55-128, U65-256) and switches only their `model` knob; the U85-256 needs a
// third core the chain's device tree does not have.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { KWS_NPUS } from '../oracle/kws.js';
import {
  DEBUGFS,
  emuKnob,
  emuStats,
  inGuest,
  nodeOfSubsystem,
  overAmpChain,
  setEmuKnob,
} from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VELA = join(ROOT, 'test/fixtures/models/vela');
const INPUT = readFileSync(join(VELA, 'kws_cnn_small_int8_u55-128_input.bin'));
const HARDWARE = readFileSync(join(VELA, 'kws_cnn_small_int8_u55-128_expected_output.bin'));
const LABELS = readFileSync(join(VELA, 'kws_labels.txt'), 'utf8').trim().split('\n');
const MODELS = KWS_NPUS.map((npu, subsystem) => ({ subsystem, npu }));
const NPU_NAMES = { u55: 'U55', u65: 'U65', u85: 'U85' } as const;

/** Reloads ethosu_emu.ko with `args` and waits (10 s at most) for its nodes. */
async function reloadEmulator(args: string[], subsystems: number): Promise<void> {
  execFileSync('rmmod', ['ethosu_emu']);
  execFileSync('insmod', [join(process.env.ETHOSU_MODULE_DIR!, 'emulator/ethosu_emu.ko'), ...args]);
  for (let i = 0; i < 100 && readdirSync('/sys/class/ethosu').length < subsystems; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(readdirSync('/sys/class/ethosu')).toHaveLength(subsystems);
}

/** How many of MODELS this guest can run: every one, or over the chain one per core. */
function availableModels(): number {
  if (!overAmpChain()) return MODELS.length;
  return inGuest() ? readdirSync(DEBUGFS).filter((name) => /^\d+$/.test(name)).length : 0;
}
const AVAILABLE = MODELS.slice(0, availableModels());
const present = (m: (typeof MODELS)[number]) => AVAILABLE.includes(m);

function rigSubsystems(): number {
  return Number(/subsystems=(\d+)/.exec(process.env.ETHOSU_EMU_ARGS ?? '')?.[1] ?? 1);
}

function modelPath(npu: string): string {
  return join(VELA, `kws_cnn_small_int8_${npu}_vela.tflite`);
}

function ethosu(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'lib/cli/main.js'), ...args],
      { cwd: ROOT, env: { ...process.env, ETHOSU_DEBUG: '' }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe.runIf(inGuest())('NPU model path: KWS gives the hardware bytes (guest)', () => {
  let dir = '';
  const chainModels: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kws-model-'));
    if (overAmpChain()) {
      for (const m of AVAILABLE) chainModels.push(emuKnob(nodeOfSubsystem(m.subsystem), 'model'));
    } else {
      await reloadEmulator([`subsystems=${MODELS.length}`], MODELS.length);
    }
    for (const m of AVAILABLE) setEmuKnob(nodeOfSubsystem(m.subsystem), 'model', 1);
  });
  afterAll(async () => {
    if (overAmpChain()) {
      AVAILABLE.forEach((m, i) =>
        setEmuKnob(nodeOfSubsystem(m.subsystem), 'model', chainModels[i]!),
      );
    } else {
      const rig = (process.env.ETHOSU_EMU_ARGS ?? '').split(' ').filter(Boolean);
      await reloadEmulator(rig, rigSubsystems());
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('the emulator runs the KWS NPUs, one per subsystem', () => {
    expect(AVAILABLE.length).toBe(overAmpChain() ? 2 : 3);
    for (const m of AVAILABLE) {
      using dev = Device.open(nodeOfSubsystem(m.subsystem));
      const family = NPU_NAMES[m.npu.slice(0, 3) as keyof typeof NPU_NAMES];
      expect(dev.capabilities().npu).toBe(family);
    }
  });

  for (const m of MODELS) {
    it.skipIf(!present(m))(
      `network.run() on ${m.npu}: the hardware's bytes, top label "go"`,
      async () => {
        const node = nodeOfSubsystem(m.subsystem);
        using dev = Device.open(node);
        using net = await dev.loadNetwork(modelPath(m.npu));
        const before = emuStats(node).model_ok ?? 0;
        const r = await net.run(new Uint8Array(INPUT));
        expect(r.status).toBe('ok');
        const bytes = new Uint8Array(r.outputs[0]!.buffer);
        expect(Buffer.from(bytes)).toEqual(HARDWARE);
        expect(emuStats(node).model_ok).toBe(before + 1);
        const scores = Array.from(r.outputs[0] as Int8Array);
        const top = scores.indexOf(Math.max(...scores));
        expect(LABELS[top]).toBe('go');
      },
    );

    it.skipIf(!present(m))(
      `ethosu run on ${m.npu}: the OFM file is the hardware's bytes`,
      async () => {
        const prefix = join(dir, m.npu);
        const r = await ethosu([
          'run',
          '-d',
          `/dev/ethosu${nodeOfSubsystem(m.subsystem)}`,
          '-n',
          modelPath(m.npu),
          '-i',
          join(VELA, 'kws_cnn_small_int8_u55-128_input.bin'),
          '-o',
          prefix,
        ]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(readFileSync(`${prefix}.0`)).toEqual(HARDWARE);
      },
    );
  }

  it('a model compiled for the U55-128 fails on the U65-256 (status error)', async () => {
    const r = await ethosu([
      'run',
      '-d',
      `/dev/ethosu${nodeOfSubsystem(1)}`,
      '-n',
      modelPath('u55-128'),
      '-i',
      join(VELA, 'kws_cnn_small_int8_u55-128_input.bin'),
      '-o',
      join(dir, 'wrong'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/error/i);
  });
});
