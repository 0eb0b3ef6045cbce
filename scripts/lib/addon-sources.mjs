#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The addon's source files and preprocessor defines, read from binding.gyp: the one list that
// node-gyp, CMake (and so cmake-js) and the tarball check all use, so the builds cannot drift
// apart. As a command it prints the sources (or with --defines the defines), separated by ";"
// (a CMake list); the sources relative to the repository.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const gypPath = new URL('../../binding.gyp', import.meta.url);

/** binding.gyp's targets (gyp allows "#" comment lines in its JSON). */
function targets() {
  return JSON.parse(readFileSync(gypPath, 'utf8').replace(/^\s*#.*$/gm, '')).targets;
}

/** Every source of every target in binding.gyp. */
export function addonSources() {
  return targets().flatMap((t) => t.sources);
}

/** Every define of every target in binding.gyp. */
export function addonDefines() {
  return targets().flatMap((t) => t.defines ?? []);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const list = process.argv[2] === '--defines' ? addonDefines() : addonSources();
  process.stdout.write(list.join(';'));
}
