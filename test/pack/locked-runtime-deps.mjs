#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Prints "name@version" for every package a user's install of ethos-u pulls in: the entries of
// package-lock.json that are not dev-only, at exactly their locked versions. The package suite
// puts them into a private npm cache, so its offline installs never depend on what this
// machine's cache happened to hold.
// Usage: locked-runtime-deps.mjs [PACKAGE_LOCK]

import { readFileSync } from 'node:fs';

const lockPath = process.argv[2] ?? new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path === '' || entry.dev || entry.link) continue;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  console.log(`${name}@${entry.version}`);
}
