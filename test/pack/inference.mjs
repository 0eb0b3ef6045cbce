// SPDX-License-Identifier: Apache-2.0
// An inference through the installed package, as a user writes it: import 'ethos-u',
// Device.open, loadNetwork, run. scripts/test-pack copies this file into the temp project, so
// 'ethos-u' resolves to the installed tarball and not to the work tree.
// Usage: node inference.mjs MODEL INPUT. Prints one "ok"/"FAIL" line per check.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { Device } from 'ethos-u';

import {
  COUNTERS,
  FIRMWARE_EVENT,
  expectedCycles,
  expectedOutputs,
  expectedPmuCount,
  firstDifference,
} from './emulator-model.mjs';

const [model, inputPath] = process.argv.slice(2);
let failed = 0;
function check(ok, what, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${!ok && detail ? `: ${detail}` : ''}`);
  if (!ok) failed++;
}

// The addon must come from the prebuild: a user may have no compiler.
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('ethos-u/package.json'));
const addon = require('node-gyp-build').path(pkgDir);
check(
  addon.startsWith(join(pkgDir, 'prebuilds', `linux-${process.arch}`) + '/'),
  `the package loads its prebuilt addon (linux-${process.arch})`,
  addon,
);

const input = new Uint8Array(readFileSync(inputPath));
const dev = Device.open(0);
try {
  const caps = dev.capabilities();
  check(caps.npu === 'U55', 'Device.open(0) is the emulated Ethos-U55', caps.npu);
  const net = await dev.loadNetwork(model);
  const { ifmSizes, ofmSizes } = net.info;
  check(
    ifmSizes.join() === `${input.length}` && ofmSizes.join() === '12',
    'loadNetwork reports the KWS sizes (490 -> 12 bytes)',
    `${ifmSizes} -> ${ofmSizes}`,
  );
  const result = await net.run(input, { pmu: ['NPU_ACTIVE', 'MAC_ACTIVE'], cycles: true });
  check(result.status === 'ok', 'run() status ok', result.status);
  const out = result.outputs[0];
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const [want] = expectedOutputs([input], ofmSizes);
  const diff = firstDifference(bytes, want);
  check(
    out instanceof Int8Array && diff < 0,
    'run() output is an Int8Array with the bytes the emulator must write',
    `${out.constructor.name}, first difference at byte ${diff}`,
  );
  const counters = COUNTERS.U55;
  const pmuWant = {
    MAC_ACTIVE: expectedPmuCount(FIRMWARE_EVENT.MAC_ACTIVE, 1, input.length, counters),
    NPU_ACTIVE: expectedPmuCount(FIRMWARE_EVENT.NPU_ACTIVE, 0, input.length, counters),
  };
  const pmuSeen = Object.fromEntries(Object.entries(result.pmu).sort());
  check(
    JSON.stringify(pmuSeen) === JSON.stringify(pmuWant),
    'run() PMU counts by event name',
    `${JSON.stringify(pmuSeen)}, expected ${JSON.stringify(pmuWant)}`,
  );
  const cycles = expectedCycles(input.length, ofmSizes);
  check(result.cycles === cycles, 'run() cycle count', `${result.cycles}, expected ${cycles}`);
} finally {
  dev.close();
}
process.exitCode = failed === 0 ? 0 : 1;
