// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device } from '../../src/device.js';
import { STATUS } from './helpers/mock-binding.js';
import { expectedOutput, failure, useMockWorld } from './helpers/setup.js';

const world = useMockWorld();

async function start(opts: { zeroCopy?: boolean } = {}) {
  world().autoCompleteMs = undefined; // the test finishes inferences itself
  const dev = Device.open(0, opts);
  const net = await dev.createNetwork({ index: 1 });
  const ifm = dev.createBuffer(490);
  const ofm = dev.createBuffer(12);
  ifm.data.forEach((_, i) => (ifm.data[i] = i % 251));
  const inf = await net.createInference([ifm], [ofm], { pmuEvents: [3, 0, 7], cycles: true });
  return { dev, net, ifm, ofm, inf, mock: world().inferences.at(-1)! };
}

describe('Inference', () => {
  it('runs: wait resolves true, status ok, outputs and counters readable', async () => {
    const { inf, ifm, ofm, mock } = await start();
    expect(inf.status).toBe('running');
    const waiting = inf.wait();
    mock.complete(STATUS.OK);
    expect(await waiting).toBe(true);
    expect(inf.status).toBe('ok');
    expect(ofm.data).toEqual(expectedOutput(ifm.data, 12, 0));
    expect(inf.pmuEvents).toEqual([3, 0, 7, 0, 0, 0, 0, 0]);
    expect(inf.pmuCounters).toEqual([3490n, 0n, 7492n, 0n, 0n, 0n, 0n, 0n]);
    expect(inf.cycleCount).toBe(100000n + 490n + 12n);
  });

  it('wait resolves false on timeout and keeps the inference running', async () => {
    const { inf } = await start();
    expect(await inf.wait(5)).toBe(false);
    expect(await inf.wait(0)).toBe(false);
    expect(inf.status).toBe('running');
  });

  it('validates the wait timeout', async () => {
    const { inf } = await start();
    for (const bad of [-1, NaN, '5']) {
      expect((await failure(() => inf.wait(bad as never))).code).toBe('ERR_ETHOSU_INVALID_ARG');
    }
  });

  it('cancel is true while running, false once done, and the status becomes aborted', async () => {
    const { inf } = await start();
    expect(await inf.cancel()).toBe(true);
    expect(inf.status).toBe('aborted');
    expect(await inf.wait(1000)).toBe(true);
    expect(await inf.cancel()).toBe(false);
  });

  it('maps every status code', async () => {
    for (const [code, name] of [
      [STATUS.ERROR, 'error'],
      [STATUS.REJECTED, 'rejected'],
      [STATUS.ABORTING, 'aborting'],
    ] as const) {
      const { inf, mock } = await start();
      mock.statusCode = code;
      expect(inf.status).toBe(name);
    }
    const { inf, mock } = await start();
    mock.statusCode = 42;
    const e = await failure(() => inf.status);
    expect([e.code, e.message]).toEqual([
      'ERR_ETHOSU_STATUS',
      'Unknown inference status 42 reported by the kernel',
    ]);
  });

  it('close rejects a pending wait with ERR_ETHOSU_CLOSED and frees the fd', async () => {
    const { inf, mock } = await start();
    const waiting = inf.wait();
    const fd = inf.fd;
    inf.close();
    expect((await failure(() => waiting)).code).toBe('ERR_ETHOSU_CLOSED');
    expect(world().openFds.has(fd)).toBe(false);
    expect(mock.isOpen).toBe(false);
    for (const fn of [() => inf.status, () => inf.cancel(), () => inf.wait(), () => inf.fd]) {
      expect((await failure(fn)).code).toBe('ERR_ETHOSU_CLOSED');
    }
    inf.close();
  });

  it('is disposable', async () => {
    const { inf } = await start();
    {
      using i = inf;
      expect(i.closed).toBe(false);
    }
    expect(inf.closed).toBe(true);
  });

  it('copies outputs back after wait in copy mode', async () => {
    const { inf, ofm, mock } = await start({ zeroCopy: false });
    const waiting = inf.wait();
    mock.complete(STATUS.OK);
    await waiting;
    expect(ofm.zeroCopy).toBe(false);
    expect([...ofm.data]).toEqual([...mock.ofms[0]!.device]);
    expect(ofm.data[0]).toBe(1);
  });

  it('reports ioctl failures with errno and syscall', async () => {
    const { inf } = await start();
    world().fail.set('cancel', 'EIO');
    const e = await failure(() => inf.cancel());
    expect([e.code, e.errno, e.syscall]).toEqual(['EIO', -5, 'ioctl(INFERENCE_CANCEL)']);
  });

  it('a closed inference leaves nothing tracked by its device (no entry per inference)', async () => {
    world().autoCompleteMs = 0;
    const dev = Device.open(0);
    const net = await dev.createNetwork({ index: 1 });
    const ifm = dev.createBuffer(490);
    const ofm = dev.createBuffer(12);
    const base = dev.trackedCount; // the network and the two buffers
    expect(base).toBe(3);
    for (let i = 0; i < 50; i++) {
      const inf = await net.createInference([ifm], [ofm]);
      expect(dev.trackedCount).toBe(base + 1);
      expect(await inf.wait()).toBe(true);
      inf.close();
      expect(dev.trackedCount).toBe(base);
    }
    for (let i = 0; i < 50; i++) await net.run(new Uint8Array(490));
    expect(dev.trackedCount).toBe(base + 2); // run()'s pooled buffer set: one IFM, one OFM
    dev.close();
    expect(dev.trackedCount).toBe(0);
  });

  it('closing the device closes an inference run() is waiting for', async () => {
    world().autoCompleteMs = undefined;
    const dev = Device.open(0);
    const net = await dev.createNetwork({ index: 1 });
    const running = failure(() => net.run(new Uint8Array(490)));
    await new Promise((r) => setImmediate(r));
    expect(world().inferences).toHaveLength(1);
    dev.close();
    expect((await running).code).toBe('ERR_ETHOSU_CLOSED');
    expect(world().openFds.size).toBe(0);
  });
});
