import { defineConfig } from 'vitest/config';

// Test layers (ARCHITECTURE.md, invariant 8): pure units beside the code, integration tests
// against real Postgres and Redis, and end-to-end tests through real processes and Chromium.
// REDIS_URL is not set here: test/setup/redis.ts points it at the suite's own redis-server.
const env = {
  DATABASE_URL:
    process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kindling_test',
};
const globalSetup = ['./test/setup/redis.ts', './test/setup/database.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.integration.test.ts'],
          globalSetup,
          env,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup,
          env,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
