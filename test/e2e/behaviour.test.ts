// SPDX-License-Identifier: Apache-2.0
// The library's shared behaviour tests (test/behaviour) against the kernel device: /dev/ethosu0
// in the guest, ethosu.ko and the firmware emulator.

import { Device } from '../../src/index.js';
import { deviceBehaviour } from '../behaviour/device-behaviour.js';
import { emuStats, inGuest, withLatency } from './helpers.js';

deviceBehaviour({
  name: '/dev/ethosu0 (guest)',
  enabled: inGuest(),
  open: (opts) => Device.open(0, opts),
  withLatency: (us, fn) => withLatency(0, us, fn),
  aborted: () => emuStats(0).inferences_aborted ?? 0,
});
