// SPDX-License-Identifier: Apache-2.0
// Runs before every e2e file: the suites check the transport against the emulator's documented
// formula (docs/emulator.md), so every subsystem starts with the NPU model path off (knob
// "model" 0). kws-model.test.ts turns it on for the real outputs.

import { existsSync, readdirSync, writeFileSync } from 'node:fs';

const DEBUGFS = '/sys/kernel/debug/ethosu_emu';

if (process.env.ETHOSU_IN_GUEST === '1' && existsSync(DEBUGFS)) {
  for (const s of readdirSync(DEBUGFS)) {
    if (existsSync(`${DEBUGFS}/${s}/model`)) writeFileSync(`${DEBUGFS}/${s}/model`, '0');
  }
}
