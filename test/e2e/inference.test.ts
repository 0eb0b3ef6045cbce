// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { BUILTIN, inGuest, setEmuKnob } from './helpers.js';

// What the library does with an inference on any device is in test/behaviour (run here by
// behaviour.test.ts); this file keeps what needs the emulator's fault knobs.

describe.runIf(inGuest())('Inference (guest)', () => {
  it('reports firmware failures as the inference status', async () => {
    using dev = Device.open(1);
    using net = await dev.createNetwork({ index: BUILTIN.kws.index });
    const run = async () => {
      using inf = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]);
      expect(await inf.wait(10_000)).toBe(true);
      return inf.status;
    };
    setEmuKnob(1, 'fail_status', 1);
    expect(await run()).toBe('error');
    setEmuKnob(1, 'reject', 1);
    expect(await run()).toBe('rejected');
    expect(await run()).toBe('ok');
  });
});
