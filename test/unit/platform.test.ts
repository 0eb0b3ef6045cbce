// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { checkPlatform } from '../../src/binding.js';

describe('checkPlatform', () => {
  it('accepts Linux', () => {
    expect(() => checkPlatform('linux')).not.toThrow();
  });

  it('rejects other platforms with a clear error naming the platform', () => {
    expect(() => checkPlatform('darwin')).toThrow(
      expect.objectContaining({
        code: 'ERR_ETHOSU_PLATFORM',
        message: expect.stringMatching(/Linux only \(this is darwin\)/),
      }),
    );
  });
});
