// SPDX-License-Identifier: Apache-2.0
// The README's examples, run as a user would: examples/classify.mjs imports the package by name.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { expectedOutputs, KWS_INPUT_PATH, KWS_PATH } from './helpers.js';

/** The model's scores for the emulator's documented output (int8, scale 1/256, zero point -128). */
function expectedScores(input: Uint8Array): number[] {
  const ofm = new Int8Array(expectedOutputs([input], [12])[0]!.buffer);
  return [...ofm].map((q) => (q + 128) / 256);
}

describe('README examples (guest)', () => {
  it('examples/classify.mjs prints the class, PMU counters and cycles', () => {
    const out = execFileSync('node', ['examples/classify.mjs', KWS_PATH, KWS_INPUT_PATH], {
      encoding: 'utf8',
    });
    const scores = expectedScores(readFileSync(KWS_INPUT_PATH));
    const best = scores.indexOf(Math.max(...scores));
    expect(out).toContain('input int8 [1,490], 490 bytes');
    expect(out).toContain(`class ${best} (score ${scores[best]!.toFixed(3)})`);
    // Firmware values NPU_ACTIVE = 5, MAC_ACTIVE = 6: count = 1000 * e + slot + 490 input bytes
    expect(out).toContain('pmu { NPU_ACTIVE: 5490, MAC_ACTIVE: 6491 } cycles 100502');
  });

  it('the README CLI example runs the model and writes the output file', () => {
    const prefix = `${process.env.TMPDIR ?? '/tmp'}/readme-ofm`;
    const out = execFileSync(
      'node',
      [
        'lib/cli/main.js',
        'run',
        '--network',
        KWS_PATH,
        '--ifm',
        KWS_INPUT_PATH,
        '--ofm',
        prefix,
        '--pmu',
        '0',
        'NPU_ACTIVE',
        '--cycles',
      ],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/ok/i);
    const expected = expectedOutputs([readFileSync(KWS_INPUT_PATH)], [12])[0]!;
    expect([...readFileSync(`${prefix}.0`)]).toEqual([...expected]);
  });
});
