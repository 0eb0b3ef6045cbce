// SPDX-License-Identifier: Apache-2.0
// The real addon on the host (no device needed): loading, constants against the UAPI header,
// error shapes, argument checks in native code, and native errors in a worker being terminated.
// Skipped only when the addon is not built.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { binding, setBinding } from '../../src/binding.js';
import { Device } from '../../src/device.js';
import { runNode } from './helpers/node-process.js';
import { failure } from './helpers/setup.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built =
  existsSync(`${root}build/Release/ethosu.node`) ||
  existsSync(`${root}prebuilds/linux-x64/ethos-u.node`);

const GYP_BUILD = createRequire(import.meta.url).resolve('node-gyp-build');

function headerDefine(name: string): number {
  const header = readFileSync(`${root}kernel/include/uapi/ethosu.h`, 'utf8');
  const m = new RegExp(`#define ${name}\\s+(\\d+)`).exec(header);
  if (m === null) throw new Error(`${name} not in the header`);
  return Number(m[1]);
}

describe.runIf(built)('the native addon (host)', () => {
  setBinding(undefined);

  it('exposes the UAPI constants of kernel/include/uapi/ethosu.h', () => {
    const c = binding().constants;
    expect(c.DRIVER_VERSION).toEqual({
      major: headerDefine('ETHOSU_KERNEL_DRIVER_VERSION_MAJOR'),
      minor: headerDefine('ETHOSU_KERNEL_DRIVER_VERSION_MINOR'),
      patch: headerDefine('ETHOSU_KERNEL_DRIVER_VERSION_PATCH'),
    });
    expect(c.FD_MAX).toBe(headerDefine('ETHOSU_FD_MAX'));
    expect(c.PMU_EVENT_MAX).toBe(headerDefine('ETHOSU_PMU_EVENT_MAX'));
    expect(c.NETWORK_DESC_MAX).toBe(headerDefine('ETHOSU_NETWORK_DESC_MAX'));
    expect(c.STATUS).toEqual({ OK: 0, ERROR: 1, RUNNING: 2, REJECTED: 3, ABORTED: 4, ABORTING: 5 });
    expect(c.DEVICE_TYPE).toEqual({ UNKNOWN: 0, SUBSYSTEM: 1, DIRECT: 2 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports open() failures like Node system errors, with a hint', async () => {
    const e = await failure(() => Device.open('/nonexistent/ethosu0'));
    expect([e.code, e.errno, e.syscall, e.path]).toEqual([
      'ENOENT',
      -2,
      'open',
      '/nonexistent/ethosu0',
    ]);
    expect(e.message).toBe(
      'open failed on /nonexistent/ethosu0: No such file or directory (ENOENT). The device node ' +
        'does not exist: check that the ethosu kernel module is loaded and the NPU firmware is ' +
        'running (ls /dev/ethosu*).',
    );
  });

  it('refuses a device that does not speak the UAPI (ENOTTY), closing it', async () => {
    const e = await failure(() => Device.open('/dev/null'));
    expect([e.code, e.errno, e.syscall, e.path]).toEqual([
      'ENOTTY',
      -25,
      'ioctl(DRIVER_VERSION_GET)',
      '/dev/null',
    ]);
    expect(e.message).toContain('it is not an Ethos-U device');
  });

  it('checks arguments in native code too', () => {
    const native = binding();
    expect(() => native.open(42 as never)).toThrow(TypeError);
    expect(() => native.open('')).toThrow('open(path): path must be a non-empty string');
    expect(() => native.open('/dev/null\0x')).toThrow(TypeError);
  });

  it('does not let JavaScript construct native objects', () => {
    let fd = -1;
    try {
      const dev = binding().open('/dev/null');
      fd = dev.fd;
      expect(fd).toBeGreaterThan(2);
      const Ctor = dev.constructor as new (...args: unknown[]) => unknown;
      expect(() => new Ctor('/dev/null')).toThrow('Device objects are created by open(path)');
      expect(() => dev.createBuffer(0, false)).toThrow(RangeError);
      expect(() => dev.createNetwork([1, 2] as never)).toThrow(
        'createNetwork(data): data must be a Uint8Array',
      );
      expect(() => dev.createNetwork(new Uint8Array(0))).toThrow(RangeError);
      dev.close();
      dev.close();
      const e = (() => {
        try {
          dev.ping();
        } catch (err) {
          return err as Error & { code?: string };
        }
        throw new Error('no error');
      })();
      expect(e.code).toBe('ERR_ETHOSU_CLOSED');
    } finally {
      expect(fd).not.toBe(-1);
    }
  });

  it('a worker terminated while native calls throw leaves the process alive', async () => {
    // Between worker.terminate() and the worker's JavaScript stopping, native code still runs but
    // can no longer throw into JavaScript: node-addon-api must drop such an exception rather
    // than rethrow it in C++, which aborts the whole process ("terminate called after throwing
    // an instance of 'Napi::Error'"). The worker throws from native code as fast as it can.
    const script = `
      import { Worker } from 'node:worker_threads';
      const code = \`
        const { parentPort, workerData } = require('node:worker_threads');
        const addon = require(workerData.gypBuild)(workerData.root);
        const model = new addon.sim.Model(new Uint8Array(8));
        parentPort.postMessage('started');
        for (;;) {
          try { addon.open('/nonexistent/ethosu0'); } catch {}
          try { model.run('u55-128', 128, []); } catch {}
        }\`;
      const workerData = ${JSON.stringify({ root, gypBuild: GYP_BUILD })};
      for (let k = 0; k < 100; k++) {
        const w = new Worker(code, { eval: true, execArgv: [], workerData });
        await new Promise((r) => w.once('message', r));
        await new Promise((r) => setTimeout(r, k % 5));
        await w.terminate();
      }
      console.log('alive');
    `;
    const r = await runNode(['--input-type=module', '-e', script]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'alive\n', '']);
  }, 120_000);
});
