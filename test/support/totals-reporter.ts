import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the run's totals as one plain line ("N passed, N failed, N skipped") after Vitest's own
 * summary, so CI logs can be read by tools that know no Vitest. Failed modules (a file that could
 * not even load) count as failures.
 */
export default class TotalsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of testModules) {
      let tests = 0;
      for (const t of m.children.allTests()) {
        tests += 1;
        const state = t.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (tests === 0 && m.state() === 'failed') failed += 1;
    }
    process.stdout.write(`\ntotals: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
