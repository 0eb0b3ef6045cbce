#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Checks one "ethosu run" against the emulator's contract: the OFM file bytes, and the PMU and
// cycle counts the CLI printed. Prints one line per check; exits 1 if any check fails.
//
// Usage: verify-run.mjs --ifm FILE --ofm FILE --ofm-sizes N[,N...] --log CLI_OUTPUT --npu U55
//                       [--pmu SLOT:EVENT]... [--cycles]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  COUNTERS,
  FIRMWARE_EVENT,
  expectedCycles,
  expectedOutputs,
  expectedPmuCount,
  firstDifference,
  hex,
} from './emulator-model.mjs';

const { values } = parseArgs({
  options: {
    ifm: { type: 'string' },
    ofm: { type: 'string' },
    'ofm-sizes': { type: 'string' },
    log: { type: 'string' },
    npu: { type: 'string' },
    pmu: { type: 'string', multiple: true, default: [] },
    cycles: { type: 'boolean', default: false },
  },
});
for (const name of ['ifm', 'ofm', 'ofm-sizes', 'log', 'npu']) {
  if (values[name] === undefined) {
    console.error(`verify-run: --${name} is required`);
    process.exit(2);
  }
}
const counters = COUNTERS[values.npu];
if (counters === undefined) {
  console.error(`verify-run: --npu must be one of ${Object.keys(COUNTERS).join(', ')}`);
  process.exit(2);
}

let failed = 0;
function check(ok, what, detail) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failed++;
}

const input = new Uint8Array(readFileSync(values.ifm));
const ofmSizes = values['ofm-sizes'].split(',').map(Number);
const log = readFileSync(values.log, 'utf8');
const t = input.length;

const sizeLine = new RegExp(`inputs ${t} bytes, outputs ${ofmSizes.join(' \\+ ')} bytes`);
check(
  sizeLine.test(log),
  'network info',
  `${t} input bytes, outputs ${ofmSizes.join(' + ')} bytes`,
);
check(/: ok$/m.test(log), 'inference status ok');

const output = new Uint8Array(readFileSync(values.ofm));
const expected = expectedOutputs([input], ofmSizes);
const want = new Uint8Array(expected.reduce((n, e) => n + e.length, 0));
expected.reduce((off, e) => (want.set(e, off), off + e.length), 0);
const diff = firstDifference(output, want);
check(
  diff < 0,
  `output bytes = (input byte + k + 1) mod 256`,
  diff < 0
    ? hex(output)
    : `byte ${diff} is ${output[diff]} (file of ${output.length} bytes), expected ${want[diff]}`,
);

for (const spec of values.pmu) {
  const [slotText, name] = spec.split(':');
  const slot = Number(slotText);
  const event = FIRMWARE_EVENT[name];
  if (event === undefined) {
    console.error(`verify-run: no firmware value known for PMU event ${name}`);
    process.exit(2);
  }
  const m = new RegExp(`PMU ${slot} ${name}: (\\d+)`).exec(log);
  const want = expectedPmuCount(event, slot, t, counters);
  check(
    m !== null && Number(m[1]) === want,
    `PMU counter ${slot} ${name} = 1000 * ${event} + ${slot} + ${t}`,
    m === null ? 'no such line in the CLI output' : `${m[1]} (expected ${want})`,
  );
}
if (values.cycles) {
  const m = /cycles: (\d+)/.exec(log);
  const want = expectedCycles(t, ofmSizes);
  check(
    m !== null && Number(m[1]) === want,
    `cycle counter = 100000 + ${t} + ${ofmSizes.join(' + ')}`,
    m === null ? 'no such line in the CLI output' : `${m[1]} (expected ${want})`,
  );
}

process.exitCode = failed === 0 ? 0 : 1;
