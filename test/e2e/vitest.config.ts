// SPDX-License-Identifier: Apache-2.0
import { defineConfig } from 'vitest/config';

// End-to-end suites: inside the QEMU guest (scripts/vm/run) against ethosu.ko and the firmware
// emulator, no mocks. Files run one after another because they share the emulator's debugfs
// knobs, and in one process (singleFork, isolate: false): under TCG a new Node process per file
// cost ~5 s of start-up each, a quarter of the suite's time. --expose-gc lets the cleanup tests
// drive the garbage collector. No results cache: scripts/test-all runs the x86_64 and arm64 guests
// at once over the same node_modules, and vitest reads its results.json without a lock.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    setupFiles: ['test/e2e/setup-formula.ts'],
    fileParallelism: false,
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'], singleFork: true, isolate: false } },
    cache: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
