import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/subgraph runs the compiled mappings: `npm test` builds the subgraph first.
    include: ['test/**/*.test.ts', 'keeper/**/*.test.ts', 'devnet/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Devnet suites each start their own anvil; two cores, so keep file parallelism modest.
    maxWorkers: 2,
    // CI also writes a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
      : ['default'],
  },
});
