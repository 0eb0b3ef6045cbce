// SPDX-License-Identifier: Apache-2.0
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { inGuest, pattern } from './helpers.js';

// Buffer behaviour on any device is in test/behaviour (run here by behaviour.test.ts); this file
// keeps what only the addon's mapping has.

describe.runIf(inGuest())('Buffer (guest)', () => {
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

  it('a process that ends with zero-copy buffers still alive exits cleanly', () => {
    // Node 24 aborted here (v8::FromJust in its environment teardown) while the library marked
    // the external ArrayBuffers untransferable. Run with the Node under test (process.execPath).
    const lib = new URL('../../lib/index.js', import.meta.url);
    if (!existsSync(fileURLToPath(lib))) {
      throw new Error('lib/index.js is missing: run `npm run build:ts` before the e2e suite');
    }
    const script = `
      const { Device } = await import(${JSON.stringify(lib.href)});
      const dev = Device.open(0);
      globalThis.open = dev.createBuffer(16);
      const closed = dev.createBuffer(16);
      globalThis.view = closed.data;
      closed.close();
      console.log('end of script');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    expect(r.stdout).toBe('end of script\n');
  });
});
