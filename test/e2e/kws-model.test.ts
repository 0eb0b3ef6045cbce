// SPDX-License-Identifier: Apache-2.0
// The emulator's NPU model path (docs/emulator.md), through the library and the CLI in the
// guest: the shared Vela KWS models, given the input recorded on hardware, answer the bytes real
// Ethos-U hardware answered (test/fixtures/models/vela/*_expected_output.bin). Subsystem 0 is
// the rig's U55-128, subsystem 1 its U65-256.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { emuStats, inGuest, nodeOfSubsystem, setEmuKnob } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VELA = join(ROOT, 'test/fixtures/models/vela');
const INPUT = readFileSync(join(VELA, 'kws_cnn_small_int8_u55-128_input.bin'));
const HARDWARE = readFileSync(join(VELA, 'kws_cnn_small_int8_u55-128_expected_output.bin'));
const LABELS = readFileSync(join(VELA, 'kws_labels.txt'), 'utf8').trim().split('\n');
const MODELS = [
  { subsystem: 0, npu: 'u55-128' },
  { subsystem: 1, npu: 'u65-256' },
] as const;

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
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kws-model-'));
    for (const m of MODELS) setEmuKnob(nodeOfSubsystem(m.subsystem), 'model', 1);
  });
  afterAll(() => {
    for (const m of MODELS) setEmuKnob(nodeOfSubsystem(m.subsystem), 'model', 0);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const m of MODELS) {
    it(`network.run() on ${m.npu}: the hardware's bytes, top label "go"`, async () => {
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
    });

    it(`ethosu run on ${m.npu}: the OFM file is the hardware's bytes`, async () => {
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
    });
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
