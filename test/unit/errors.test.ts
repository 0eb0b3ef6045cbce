// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { abortError, closedError, EthosUError, fromNative, invalidArg } from '../../src/errors.js';

describe('EthosUError', () => {
  it('carries code, errno, syscall and path', () => {
    const e = new EthosUError('boom', {
      code: 'EINVAL',
      errno: -22,
      syscall: 'ioctl(PING)',
      path: '/dev/x',
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('EthosUError');
    expect(e.message).toBe('boom');
    expect(e.code).toBe('EINVAL');
    expect(e.errno).toBe(-22);
    expect(e.syscall).toBe('ioctl(PING)');
    expect(e.path).toBe('/dev/x');
  });

  it('leaves optional fields out when not given', () => {
    const e = new EthosUError('x', { code: 'ERR_ETHOSU_CLOSED' });
    expect(Object.keys(e)).not.toContain('errno');
    expect(e.syscall).toBeUndefined();
  });

  it('builds the library-level errors', () => {
    expect(closedError('Buffer').code).toBe('ERR_ETHOSU_CLOSED');
    expect(closedError('Buffer').message).toMatch(/^Buffer is closed/);
    expect(invalidArg('bad').code).toBe('ERR_ETHOSU_INVALID_ARG');
    const reason = new Error('user');
    const a = abortError(reason);
    expect(a.name).toBe('AbortError');
    expect(a.code).toBe('ABORT_ERR');
    expect(a.cause).toBe(reason);
  });
});

describe('fromNative', () => {
  it('turns an addon error into an EthosUError with the same fields and message', () => {
    const raw = Object.assign(new Error('open failed on /dev/ethosu9: No such file'), {
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: '/dev/ethosu9',
    });
    const e = fromNative(raw) as EthosUError;
    expect(e).toBeInstanceOf(EthosUError);
    expect(e.message).toBe(raw.message);
    expect([e.code, e.errno, e.syscall, e.path]).toEqual(['ENOENT', -2, 'open', '/dev/ethosu9']);
    expect(e.stack).toContain('EthosUError: open failed');
  });

  it('passes through errors without a code and EthosUErrors', () => {
    const t = new TypeError('x');
    expect(fromNative(t)).toBe(t);
    const e = new EthosUError('y', { code: 'EIO' });
    expect(fromNative(e)).toBe(e);
    expect(fromNative('str')).toBe('str');
  });
});
