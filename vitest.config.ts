import { defineConfig } from 'vitest/config';
import { testFilesReaching } from './tests/support/module-reach.ts';

// Three groups of files, in one queue that two workers take from (README.md, below the quick start).
// They ran one group after the other until 2026-12-05: each group's end waited for its slowest
// file with one worker idle; now a worker that finds its group's files all taken starts the next
// group's. Vitest orders the queue by group name (e2e-browser, isolated, unit-integration) and,
// within a group, larger files first, so the long end-to-end files start first and the short unit
// files fill the end. Groups that run at once must agree on maxWorkers (vitest refuses otherwise).
//
// Unit and integration files run two at a time whatever the core count: vitest's default is one
// fewer than the cores, so one on a 2-core machine, while most of these files wait on Redis, a
// child process or a timer rather than compute. They share their modules within each of the two
// worker processes (isolate: false): importing the gateway and compiling the catalogue's 148
// items took about 2.5 s of CPU per file, a third of the group's time, paid once per worker now.
// Each file still uses its own key prefix, port 0 and temporary folders, and closes what it opens.
//
// Files that reach nock (directly or through a support module) run in a process of their own
// each: nock patches node:http and fetch for the whole process, and a file that refuses the
// network (nock.disableNetConnect) would refuse it to every later file in that process. So do the
// files that start a Redis Cluster of their own (tests/support/redis-cluster.ts): in two shuffled
// file orders on a loaded machine a BullMQ worker on such a cluster timed out in a process that
// had run other files first. A cause has since been found and mended — Worker.close() on a
// cluster could wait for ever (shared/closable-cluster.ts), one run in three of those tests even
// alone — but they have not been tried in the shared processes since, so they stay apart.
//
// The end-to-end and browser files run two at a time too: each drives a whole system (gateway,
// workers, sandboxes, a browser) and spends most of its time waiting on it, one at a time used one
// core of two. They share their modules within each worker process too: most start a gateway in
// the test process, and importing it anew took 2 to 5 s a file (89 s of the group's 645 s of file
// time; 20 s shared). Those that reach nock or a cluster of their own run with the isolated ones. None judges its timing against the clock:
// they wait on conditions, with timeouts far above what a loaded machine needs.
const UNIT_INTEGRATION = ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'];
const E2E_BROWSER = ['tests/e2e/**/*.test.ts', 'tests/browser/**/*.test.ts'];
// The Sentinel file's too (tests/support/redis-sentinel.ts): it kills its master, and the
// connections of its system then reconnect through Sentinels that are gone once it ends.
const REACHING = ['nock', 'tests/support/redis-cluster.ts', 'tests/support/redis-sentinel.ts'];
const ISOLATED = testFilesReaching(
  import.meta.dirname,
  ['tests/unit', 'tests/integration'],
  REACHING,
);
const E2E_ISOLATED = testFilesReaching(
  import.meta.dirname,
  ['tests/e2e', 'tests/browser'],
  REACHING,
);

export default defineConfig({
  test: {
    globalSetup: ['tests/support/global-setup.ts'],
    // Each test file's fetch opens a fresh connection a request, so none meets a socket its
    // server closed while the process was busy (tests/support/fresh-connections.ts).
    setupFiles: ['tests/support/fresh-connections.ts'],
    // Integration tests share one private redis-server; each file uses its own key prefix.
    pool: 'forks',
    // Bounds for a test or hook that hangs, not measures: on a loaded 2-core machine a gateway's
    // start (a child process compiling the catalogue) once took 27 s, and a test that starts one
    // or two in its body or its beforeAll timed out at 20 or 30 s without anything wrong.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-integration',
          include: UNIT_INTEGRATION,
          exclude: ISOLATED,
          isolate: false,
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: [...ISOLATED, ...E2E_ISOLATED],
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-browser',
          include: E2E_BROWSER,
          exclude: E2E_ISOLATED,
          isolate: false,
          maxWorkers: 2,
        },
      },
    ],
  },
});
