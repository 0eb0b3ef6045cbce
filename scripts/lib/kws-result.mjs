#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Prints a keyword-spotting result and checks it against the hardware's: the output bytes, the
// top label and its score (the int8 output dequantized with the model's output quantization).
// Exits 1 unless the bytes equal the hardware's byte for byte.
//
// Usage: kws-result.mjs MODEL.tflite OFM.bin HARDWARE_OFM.bin LABELS.txt

import { readFileSync } from 'node:fs';

import { dequantize, readTfliteFile } from '../../lib/index.js';

const [modelPath, ofmPath, hwPath, labelsPath] = process.argv.slice(2);
if (!labelsPath) {
  console.error('usage: kws-result.mjs MODEL.tflite OFM.bin HARDWARE_OFM.bin LABELS.txt');
  process.exit(2);
}
const labels = readFileSync(labelsPath, 'utf8').trim().split('\n');
const out = readFileSync(ofmPath);
const hw = readFileSync(hwPath);
const info = readTfliteFile(modelPath).outputs[0];
const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

function top(bytes) {
  const q = Int8Array.from(bytes, (x) => (x << 24) >> 24);
  const scores = info?.quantization ? dequantize(q, info.quantization) : Float32Array.from(q);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return { label: labels[best] ?? `#${best}`, score: scores[best] };
}

const got = top(out);
const want = top(hw);
console.log(`output bytes:   ${hex(out)}`);
console.log(`hardware bytes: ${hex(hw)}`);
console.log(
  `top label: "${got.label}", score ${got.score.toFixed(4)} (hardware: "${want.label}", ${want.score.toFixed(4)})`,
);
if (!out.equals(hw)) {
  let i = 0;
  while (i < out.length && out[i] === hw[i]) i++;
  console.log(`MISMATCH: first difference at byte ${i}`);
  process.exit(1);
}
console.log('the output equals the hardware output byte for byte');
