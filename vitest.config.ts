import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder per run, removed at its end (first, so it is torn down last); then a
    // real Kafka broker for the integration tests (test/kafka/), unless KAFKA_BROKERS is set.
    globalSetup: ['./test/support/temp-root-setup.ts', './test/support/kafka-global-setup.ts'],
    reporters: ['default', './test/support/totals-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: CLI tests spawn processes, so keep parallelism modest.
    maxWorkers: 2,
  },
});
