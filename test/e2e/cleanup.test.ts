// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';

import { describe, expect, it, vi } from 'vitest';

import { Device, type DmaBuffer, type Inference } from '../../src/index.js';
import {
  BUILTIN,
  collectUntil,
  expectedOutputs,
  fdCount,
  inGuest,
  pattern,
  withLatency,
} from './helpers.js';

/** Mappings of Ethos-U buffers in this process (/proc/self/maps names them by their anon inode). */
function bufferMappings(): number {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('anon_inode:ethosu-buffer')).length;
}

describe.runIf(inGuest())('resource cleanup (guest)', () => {
  it('no fd leaks after 10,000 inference cycles', async () => {
    // Eight lanes keep the emulator busy while JavaScript handles the previous completions
    // (1.7x faster than one lane in a TCG guest, where a round trip through the kernel and the
    // emulator costs 10-35 ms); each cycle is still create, wait, close.
    const LANES = 8;
    const CYCLES = 10_000;
    await withLatency(0, 0, async () => {
      using dev = Device.open(0);
      // The smallest built-in network (ADD, 2 x 4 bytes in, 4 out): the emulator's own work
      // per inference stays small.
      using net = await dev.createNetwork({ index: BUILTIN.add.index });
      const lanes = Array.from({ length: LANES }, (_, i) => {
        const a = dev.createBuffer(4);
        const b = dev.createBuffer(4);
        a.data.set(pattern(4, i));
        b.data.set(pattern(4, i + 100));
        return { ifms: [a, b], ofm: dev.createBuffer(4) };
      });
      const baseline = fdCount();
      const t0 = performance.now();
      let started = 0;
      await Promise.all(
        lanes.map(async ({ ifms, ofm }) => {
          while (started < CYCLES) {
            started++;
            const inf = await net.createInference(ifms, [ofm]);
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
      lanes.forEach(({ ifms, ofm }, i) => {
        expect(ofm.data).toEqual(expectedOutputs([pattern(4, i), pattern(4, i + 100)], [4])[0]);
        [...ifms, ofm].forEach((b) => b.close());
      });
    });
  }, 300_000);

  it('dropped buffers and inferences are closed by the garbage collector', async () => {
    const dev = Device.open(0);
    const net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const baseline = fdCount();
    await (async () => {
      const buffers: DmaBuffer[] = [];
      const inferences: Inference[] = [];
      for (let i = 0; i < 10; i++) {
        const ifm = dev.createBuffer(490);
        const ofm = dev.createBuffer(12);
        buffers.push(ifm, ofm);
        const inf = await net.createInference([ifm], [ofm]);
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
    const mappings = bufferMappings();
    let view: Uint8Array | undefined = (() => {
      const b = dev.createBuffer(64);
      b.data.fill(5);
      return b.data;
    })();
    // The Buffer object can go (and its fd with it) while the mapping lives on in the view.
    expect(await collectUntil(() => fdCount() === baseline)).toBe(true);
    expect(view.byteLength).toBe(64);
    expect(view.every((v) => v === 5)).toBe(true);
    expect(bufferMappings()).toBe(mappings + 1);
    // eslint-disable-next-line no-useless-assignment -- dropping the last reference is the point
    view = undefined;
    // The view was the last user of the mapping: collecting it unmaps the buffer.
    expect(await collectUntil(() => bufferMappings() === mappings)).toBe(true);
    dev.close();
  });

  it('a steady load of 64 run()s in flight reuses its buffer sets wave after wave', async () => {
    await withLatency(0, 0, async () => {
      using dev = Device.open(0);
      using net = await dev.createNetwork({ index: BUILTIN.add.index });
      const perSet = net.info.ifmSizes.length + net.info.ofmSizes.length;
      const created = vi.spyOn(dev, 'createBuffer');
      const baseline = fdCount();
      const inFlight = 64;
      for (let wave = 0; wave < 3; wave++) {
        const inputs = Array.from({ length: inFlight }, (_, i) => [
          pattern(4, wave * inFlight + i),
          pattern(4, wave * inFlight + i + 1000),
        ]);
        const results = await Promise.all(inputs.map((x) => net.run(x)));
        results.forEach((r, i) => {
          const out = r.outputs[0]!;
          expect(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)).toEqual(
            expectedOutputs(inputs[i]!, [4])[0],
          );
        });
      }
      // One set per run of the first wave, none after: the pool kept all 64 idle (the firmware
      // queue's depth, src/run.ts).
      expect(created).toHaveBeenCalledTimes(inFlight * perSet);
      expect(fdCount()).toBe(baseline + inFlight * perSet);
      created.mockRestore();
    });
  });

  it('closing the network releases its pooled buffers', async () => {
    await withLatency(0, 20_000, async () => {
      const dev = Device.open(0);
      const net = await dev.createNetwork({ index: BUILTIN.kws.index });
      const baseline = fdCount();
      await Promise.all(Array.from({ length: 8 }, (_, i) => net.run(pattern(490, i))));
      net.close(); // closes the pooled buffers
      expect(fdCount()).toBe(baseline - 1);
      dev.close();
    });
  });
});
