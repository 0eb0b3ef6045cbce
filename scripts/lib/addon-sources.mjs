#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The addon's source files, read from binding.gyp: the one list that node-gyp, CMake (and so
// cmake-js) and the tarball check all use, so the builds cannot drift apart.
// As a command it prints them, separated by ";" (a CMake list), relative to the repository.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const gypPath = new URL('../../binding.gyp', import.meta.url);

/** Every source of every target in binding.gyp (gyp allows "#" comment lines in its JSON). */
export function addonSources() {
  const gyp = JSON.parse(readFileSync(gypPath, 'utf8').replace(/^\s*#.*$/gm, ''));
  return gyp.targets.flatMap((t) => t.sources);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(addonSources().join(';'));
}
