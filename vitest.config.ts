// SPDX-License-Identifier: Apache-2.0
import { defineConfig } from 'vitest/config';

// Unit tests: fast, on the host, with the mock binding. The end-to-end suites under test/e2e run
// inside the guest through scripts/vm/run with their own config.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
  },
});
