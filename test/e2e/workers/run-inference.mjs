// SPDX-License-Identifier: Apache-2.0
// Worker body for workers.test.ts: loads the compiled library (and so the addon) in its own
// thread and runs inferences there, posting the outputs back.
import { parentPort, workerData } from 'node:worker_threads';

const { Device } = await import(workerData.lib);

const { device, index, inputs, mode } = workerData;
const dev = Device.open(device);
const net = await dev.createNetwork({ index });

if (mode === 'hang') {
  // Leaves a wait pending on a long inference, for the parent to terminate this thread.
  const inf = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
  inf.wait().then(() => parentPort.postMessage({ done: true }));
  parentPort.postMessage({ waiting: true });
} else {
  const outputs = [];
  for (const x of inputs) {
    const r = await net.run(new Uint8Array(x), { timeoutMs: 30_000 });
    outputs.push([...new Uint8Array(r.outputs[0].buffer)]);
  }
  dev.close();
  parentPort.postMessage({ outputs });
}
