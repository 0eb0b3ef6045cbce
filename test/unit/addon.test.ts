// SPDX-License-Identifier: Apache-2.0
// The real addon on the host (no device needed): loading, constants against the UAPI header,
// error shapes, and argument checks in native code. Skipped only when the addon is not built.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { binding, setBinding } from '../../src/binding.js';
import { Device } from '../../src/device.js';
import { failure } from './helpers/setup.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built =
  existsSync(`${root}build/Release/ethosu.node`) ||
  existsSync(`${root}prebuilds/linux-x64/ethos-u.node`);

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
});
