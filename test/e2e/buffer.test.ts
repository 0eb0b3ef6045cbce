// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { BUILTIN, expectedOutputs, failure, inGuest, pattern } from './helpers.js';

describe.runIf(inGuest())('Buffer (guest)', () => {
  it('maps the DMA buffer: zero copy, the size asked for, zero-filled', () => {
    using dev = Device.open();
    using buf = dev.createBuffer(1024);
    expect(buf.size).toBe(1024);
    expect(buf.zeroCopy).toBe(true);
    expect(buf.fd).toBeGreaterThan(2);
    expect(buf.data.byteLength).toBe(1024);
    expect(buf.data.every((b) => b === 0)).toBe(true);
    buf.data.set(pattern(1024, 1));
    expect(buf.data).toEqual(pattern(1024, 1));
  });

  it('stale views read zeros after close instead of touching unmapped memory', async () => {
    using dev = Device.open();
    const buf = dev.createBuffer(4096);
    const view = buf.data;
    const dv = new DataView(view.buffer);
    view.fill(42);
    buf.close();
    expect(view.byteLength).toBe(4096);
    expect(view.every((b) => b === 0)).toBe(true);
    expect(dv.getUint8(10)).toBe(0);
    view[10] = 7; // private zero pages now: harmless, and no device sees it
    expect(view[10]).toBe(7);
    expect((await failure(() => buf.data)).code).toBe('ERR_ETHOSU_CLOSED');
  });

  it('close() racing fs.promises.writeFile(buf.data) never crashes (1,000 times)', async () => {
    using dev = Device.open();
    const dir = mkdtempSync(join(tmpdir(), 'ethosu-close-'));
    const size = 64 * 1024;
    const fill = pattern(size, 3);
    try {
      for (let i = 0; i < 1000; i++) {
        const buf = dev.createBuffer(size);
        buf.data.set(fill);
        const file = join(dir, `f${i % 4}`);
        const writing = writeFile(file, buf.data);
        // Close at different points of the write: at once, after a tick, after a turn.
        if (i % 3 === 1) await Promise.resolve();
        if (i % 3 === 2) await new Promise((r) => setImmediate(r));
        buf.close();
        await writing;
        const got = readFileSync(file);
        expect(got.length).toBe(size);
        // Each byte is what was written, or a zero once the memory was retired.
        for (let j = 0; j < size; j += 4093) expect([0, fill[j]]).toContain(got[j]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('a zero-copy buffer is never transferred away from the mapping', () => {
    using dev = Device.open();
    using buf = dev.createBuffer(16);
    buf.data[0] = 9;
    // Node 20 copies untransferable buffers; newer Node refuses with DataCloneError.
    const ab = buf.data.buffer as ArrayBuffer;
    if (Number(process.versions.node.split('.')[0]) <= 20) {
      const clone = structuredClone(ab, { transfer: [ab] });
      expect(new Uint8Array(clone)[0]).toBe(9);
    } else {
      let thrown = 'nothing';
      try {
        structuredClone(ab, { transfer: [ab] });
      } catch (err) {
        thrown = (err as Error).name;
      }
      expect(thrown).toBe('DataCloneError');
    }
    expect(buf.data.byteLength).toBe(16); // still attached to the mapping
    expect(buf.data[0]).toBe(9);
  });

  it('copy mode (zeroCopy: false) exchanges data around inferences', async () => {
    using dev = Device.open(0, { zeroCopy: false });
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    using ifm = dev.createBuffer(490);
    using ofm = dev.createBuffer(12);
    expect(ifm.zeroCopy).toBe(false);
    const x = pattern(490, 5);
    ifm.data.set(x);
    using inf = await net.createInference([ifm], [ofm]);
    expect(await inf.wait(10_000)).toBe(true);
    expect(inf.status).toBe('ok');
    expect(ofm.data).toEqual(expectedOutputs([x], [12])[0]);
    const r = await net.run(x);
    expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(expectedOutputs([x], [12])[0]);
  });

  it('rejects sizes the UAPI cannot carry', async () => {
    using dev = Device.open();
    expect((await failure(() => dev.createBuffer(0))).code).toBe('ERR_ETHOSU_INVALID_ARG');
    expect((await failure(() => dev.createBuffer(2 ** 32))).code).toBe('ERR_ETHOSU_INVALID_ARG');
  });
});
