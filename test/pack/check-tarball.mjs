#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Checks the file list of the npm tarball ("npm pack --json" output): everything a user needs,
// from-source build included, and nothing of the tests or the kernel build.
// Usage: check-tarball.mjs PACK_JSON. Prints one "ok"/"FAIL" line per check.

import { readdirSync, readFileSync } from 'node:fs';

import { addonSources } from '../../scripts/lib/addon-sources.mjs';

const [pack] = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const files = pack.files.map((f) => f.path);
const has = (p) => files.includes(p);

function check(ok, what, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'}  tarball ${what}${!ok && detail ? `: ${detail}` : ''}`);
}
function mustHave(paths, what) {
  const missing = paths.filter((p) => !has(p));
  check(missing.length === 0, `has ${what}`, `missing ${missing.join(', ')}`);
}
function mustNotHave(re, what) {
  const found = files.filter((p) => re.test(p));
  check(found.length === 0, `has no ${what}`, found.slice(0, 8).join(', '));
}

mustHave(['package.json', 'README.md'], 'package.json and README.md');
mustHave(
  ['LICENSE-APACHE-2.0', 'LICENSE-GPL-2.0', 'LICENSE-Linux-syscall-note'],
  'the license texts',
);
mustHave(
  ['lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js', 'lib/binding.js'],
  'lib/ (JS + types)',
);
// One prebuild per platform users install on, each for its CPU (ELF e_machine, read from the
// prebuilds folder the tarball was packed from).
const elfMachine = { x64: 62, arm64: 183 };
for (const [arch, machine] of Object.entries(elfMachine)) {
  const found = files.filter((p) => new RegExp(`^prebuilds/linux-${arch}/[^/]+\\.node$`).test(p));
  check(found.length > 0, `has a prebuilt addon in prebuilds/linux-${arch}`, 'none');
  for (const p of found) {
    const got = readFileSync(new URL(`../../${p}`, import.meta.url)).readUInt16LE(18);
    check(got === machine, `${p} is an ELF for ${arch}`, `e_machine ${got}, expected ${machine}`);
  }
}
mustHave(
  ['binding.gyp', 'native/addon.cc', 'kernel/include/uapi/ethosu.h'],
  'binding.gyp, native/ and the UAPI header (from-source build)',
);
// Every source binding.gyp compiles must be shipped, or a from-source install breaks.
mustHave(addonSources(), 'every source binding.gyp lists');
// ... and every header they include: the addon's, the simulator's and the NPU model's.
const headers = ['native', 'native/sim', 'npu'].flatMap((d) =>
  readdirSync(new URL(`../../${d}/`, import.meta.url))
    .filter((f) => f.endsWith('.h'))
    .map((f) => `${d}/${f}`),
);
mustHave(headers, 'every header of native/, native/sim/ and npu/');
mustNotHave(
  /^(test|src|scripts|docs|docker|packaging|cmake|\.ci)\//,
  'tests, TypeScript sources or scripts',
);
mustNotHave(/^kernel\/(?!include\/uapi\/)/, 'kernel sources other than the UAPI header');
mustNotHave(/(^build\/|\.(o|ko|mod|cmd|a)$|Module\.symvers|modules\.order)/, 'build output');
mustNotHave(/(^|\/)node_modules\//, 'node_modules');
mustNotHave(/\.map$/, 'source maps (their sources are not shipped)');
check(pack.size < 1024 * 1024, 'is under 1 MiB', `${pack.size} bytes`);
