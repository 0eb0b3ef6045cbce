// SPDX-License-Identifier: Apache-2.0
// Runs the keyword-spotting model once and prints the most likely class with its PMU counters.
// Usage: node examples/classify.mjs [model.tflite] [input.bin]
import { readFile } from 'node:fs/promises';
import { Device, dequantize } from 'ethos-u';

const [model = 'test/fixtures/networks/network-1.tflite', input] = process.argv.slice(2);

const device = Device.open(); // /dev/ethosu0; closing it closes what was made from it
try {
  const network = await device.loadNetwork(model);
  const { shape, dtype, byteSize } = network.inputs[0];
  console.log(`input ${dtype} [${shape}], ${byteSize} bytes`);

  const ifm = input ? new Int8Array(await readFile(input)) : new Int8Array(byteSize);
  const result = await network.run(ifm, { pmu: ['NPU_ACTIVE', 'MAC_ACTIVE'], cycles: true });

  const scores = dequantize(result.outputs[0], network.outputs[0].quantization);
  const best = scores.indexOf(Math.max(...scores));
  console.log(`class ${best} (score ${scores[best].toFixed(3)})`);
  console.log('pmu', result.pmu, 'cycles', result.cycles);
} finally {
  device.close();
}
