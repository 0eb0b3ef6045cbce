// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device, type Buffer, type Inference } from '../../src/index.js';
import {
  BUILTIN,
  collectUntil,
  expectedOutputs,
  fdCount,
  inGuest,
  pattern,
  withLatency,
} from './helpers.js';

describe.runIf(inGuest())('resource cleanup (guest)', () => {
  it('no fd leaks after 10,000 inference cycles', async () => {
    // Eight lanes keep the emulator busy while JavaScript handles the previous completions:
    // each cycle is still create, wait, close.
    const LANES = 8;
    const CYCLES = 10_000;
    await withLatency(0, 0, async () => {
      using dev = Device.open(0);
      using net = dev.createNetwork({ index: BUILTIN.kws.index });
      const lanes = Array.from({ length: LANES }, (_, i) => {
        const ifm = dev.createBuffer(490);
        ifm.data.set(pattern(490, i));
        return { ifm, ofm: dev.createBuffer(12) };
      });
      const baseline = fdCount();
      const t0 = performance.now();
      let started = 0;
      await Promise.all(
        lanes.map(async ({ ifm, ofm }) => {
          while (started < CYCLES) {
            started++;
            const inf = net.createInference([ifm], [ofm]);
            if (!(await inf.wait(10_000))) throw new Error('an inference timed out');
            inf.close();
          }
        }),
      );
      const ms = performance.now() - t0;
      console.log(
        `${started} inference cycles: ${ms.toFixed(0)} ms (${((ms * 1000) / started).toFixed(0)} us each)`,
      );
      expect(started).toBe(CYCLES);
      expect(fdCount()).toBe(baseline);
      lanes.forEach(({ ifm, ofm }, i) => {
        expect(ofm.data).toEqual(expectedOutputs([pattern(490, i)], [12])[0]);
        ifm.close();
        ofm.close();
      });
    });
  }, 150_000);

  it('dropped buffers and inferences are closed by the garbage collector', async () => {
    const dev = Device.open(0);
    const net = dev.createNetwork({ index: BUILTIN.kws.index });
    const baseline = fdCount();
    await (async () => {
      const buffers: Buffer[] = [];
      const inferences: Inference[] = [];
      for (let i = 0; i < 10; i++) {
        const ifm = dev.createBuffer(490);
        const ofm = dev.createBuffer(12);
        buffers.push(ifm, ofm);
        const inf = net.createInference([ifm], [ofm]);
        await inf.wait(10_000);
        inferences.push(inf);
      }
      expect(fdCount()).toBe(baseline + 30);
    })();
    // Nothing was closed; only the collector can give the fds back.
    expect(await collectUntil(() => fdCount() === baseline)).toBe(true);
    net.close();
    dev.close();
  });

  it('a buffer view kept alive after its Buffer is dropped stays readable, then is freed', async () => {
    const dev = Device.open(0);
    const baseline = fdCount();
    let view: Uint8Array | undefined = (() => {
      const b = dev.createBuffer(64);
      b.data.fill(5);
      return b.data;
    })();
    // The Buffer object can go (and its fd with it) while the mapping lives on in the view.
    expect(await collectUntil(() => fdCount() === baseline)).toBe(true);
    expect(view.byteLength).toBe(64);
    expect(view.every((v) => v === 5)).toBe(true);
    view = undefined;
    expect(await collectUntil(() => true)).toBe(true);
    dev.close();
  });

  it('closing the network releases its pooled buffers', async () => {
    await withLatency(0, 20_000, async () => {
      const dev = Device.open(0);
      const net = dev.createNetwork({ index: BUILTIN.kws.index });
      const baseline = fdCount();
      await Promise.all(Array.from({ length: 8 }, (_, i) => net.run(pattern(490, i))));
      net.close(); // closes the pooled buffers
      expect(fdCount()).toBe(baseline - 1);
      dev.close();
    });
  });
});
