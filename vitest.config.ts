import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/totals-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: CLI tests spawn processes, so keep parallelism modest.
    maxWorkers: 2,
  },
});
