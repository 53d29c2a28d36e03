import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Quiet handlers during tests; the log-capture test turns logging all the way up for itself.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  },
});
