#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Run from an installed app: opens sim:NPU through the installed 'ethos-u' (its prebuilt or
// from-source addon), runs a Vela KWS model and prints the output bytes in hex, then the path the
// addon was loaded from (its folder, relative to the package).
// Usage: node sim.mjs NPU MODEL INPUT
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

import { Device } from 'ethos-u';

const [npu, model, input] = process.argv.slice(2);
const dev = Device.open(`sim:${npu}`);
try {
  const net = await dev.loadNetwork(model);
  const r = await net.run(readFileSync(input));
  console.log(Buffer.from(r.outputs[0].buffer).toString('hex'));
} finally {
  dev.close();
}
const require = createRequire(`${process.cwd()}/`);
const dir = dirname(require.resolve('ethos-u/package.json'));
console.log(dirname(require('node-gyp-build').path(dir)).slice(dir.length + 1));
