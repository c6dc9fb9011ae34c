import { defineConfig } from 'vitest/config';

// Two groups, one after the other (README.md, below the quick start). Unit and integration
// files run two at a time whatever the core count: vitest's default is one fewer than the cores,
// so one on a 2-core machine, while most of these files wait on Redis, a child process or a timer
// rather than compute. The end-to-end and browser files then run one at a time: each drives a
// whole system (gateway, workers, sandboxes, a browser) under load and judges its timing, so
// nothing else competes for the cores with it.
export default defineConfig({
  test: {
    globalSetup: ['tests/support/global-setup.ts'],
    // Integration tests share one private redis-server; each file uses its own key prefix.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-integration',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-browser',
          include: ['tests/e2e/**/*.test.ts', 'tests/browser/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
