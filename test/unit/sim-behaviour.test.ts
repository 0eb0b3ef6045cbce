// SPDX-License-Identifier: Apache-2.0
// The library's shared behaviour tests (test/behaviour) against the simulated device, on the host.

import { Device } from '../../src/index.js';
import { simFirmware } from '../../src/sim/device.js';
import { deviceBehaviour } from '../behaviour/device-behaviour.js';

for (const npu of ['u55-128', 'u65-256']) {
  const path = `sim:${npu}`;
  const firmware = () => simFirmware(npu)!;
  deviceBehaviour({
    name: path,
    enabled: true,
    open: (opts) => Device.open(path, opts),
    async withLatency(us, fn) {
      const old = firmware().latencyUs;
      firmware().latencyUs = us;
      try {
        return await fn();
      } finally {
        firmware().latencyUs = old;
        await firmware().idle();
      }
    },
    aborted: () => firmware().stats.inferencesAborted,
  });
}
