import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Integration tests share one private redis-server; each file uses its own key prefix.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
