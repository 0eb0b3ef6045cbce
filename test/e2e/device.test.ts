// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { Device } from '../../src/index.js';
import { emuStats, failure, inGuest } from './helpers.js';

describe.runIf(inGuest())('Device (guest, emulator with 2 subsystems)', () => {
  // scripts/test-e2e-node runs the suite under another Node major and says which.
  it.runIf(process.env.ETHOSU_EXPECT_NODE_MAJOR !== undefined)(
    'runs under the Node major the runner asked for',
    () => {
      const major = process.versions.node.split('.')[0];
      console.log(`Node ${process.version}, N-API ${process.versions.napi}`);
      expect(major).toBe(process.env.ETHOSU_EXPECT_NODE_MAJOR);
    },
  );

  it('lists both device nodes in order', () => {
    expect(Device.list()).toEqual(['/dev/ethosu0', '/dev/ethosu1']);
  });

  it('opens by index and path and checks the driver version', () => {
    using a = Device.open();
    using b = Device.open('/dev/ethosu1');
    expect(a.path).toBe('/dev/ethosu0');
    expect(b.path).toBe('/dev/ethosu1');
    expect(a.driverVersion).toEqual({ major: 4, minor: 0, patch: 0 });
  });

  it('reports the emulated NPUs: a U55-128 and a U65-256', () => {
    // The nodes probe asynchronously: which node is which NPU is not fixed.
    const caps = Device.list().map((path) => {
      using dev = Device.open(path);
      return dev.capabilities();
    });
    const u55 = caps.find((c) => c.npu === 'U55');
    const u65 = caps.find((c) => c.npu === 'U65');
    // macsPerClockCycle is the CONFIG register field as the firmware reports it: log2(MACs).
    expect(u55?.hwCfg).toEqual({
      macsPerClockCycle: 7,
      cmdStreamVersion: u55?.hwCfg.cmdStreamVersion,
      customDma: false,
      type: 'subsystem',
    });
    expect(u55?.driver).toEqual({ major: 0, minor: 16, patch: 0 });
    expect(u55?.hwId.architecture.major).toBe(1);
    expect(u55?.hwId.product.major).toBe(4);
    expect(u65?.hwCfg.macsPerClockCycle).toBe(8);
    expect(u65?.hwId.product.major).toBe(6);
  });

  it('pings the firmware', async () => {
    using dev = Device.open(0);
    const before = emuStats(0).rx_ping ?? 0;
    await Promise.all([dev.ping(), dev.ping()]);
    // The kernel only queues the ping; give the emulator a moment to count it.
    for (let i = 0; i < 50 && (emuStats(0).rx_ping ?? 0) < before + 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(emuStats(0).rx_ping).toBe(before + 2);
  });

  it('fails to open a missing node with ENOENT, and a non-Ethos-U node with ENOTTY', async () => {
    let e = await failure(() => Device.open(9));
    expect([e.code, e.errno, e.syscall, e.path]).toEqual(['ENOENT', -2, 'open', '/dev/ethosu9']);
    expect(e.message).toContain('ethosu kernel module');
    e = await failure(() => Device.open('/dev/null'));
    expect([e.code, e.errno, e.syscall]).toEqual(['ENOTTY', -25, 'ioctl(DRIVER_VERSION_GET)']);
    expect(e.message).toContain('not an Ethos-U device');
  });
});
