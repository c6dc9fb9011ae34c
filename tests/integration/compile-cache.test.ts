// Node's module compile cache at every process entry point (README.md#process-start,
// gateway/shared/compile-cache.ts): each entry, run as a separate process with a temporary
// directory of the test's own and only the variables the test names, leaves the cache under
// <TMPDIR>/node-compile-cache when it exits, NODE_COMPILE_CACHE moves it, and
// NODE_DISABLE_COMPILE_CACHE=1 leaves none. The processes are given a configuration they refuse
// (the CLI: --help), so each exits as soon as it has loaded what it reads the configuration with.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';

const execFileAsync = promisify(execFile);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swgw-compile-cache-'));
  dirs.push(dir);
  return dir;
}

async function run(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [projectPath(entry), ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

/** How many files a cache directory holds (Node keeps one per module under a versioned folder). */
function cachedFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .length;
}

// A refused configuration: each entry exits 1 after loading its configuration code.
const REFUSED = { PORT: 'not-a-port', PORTAL_PORT: 'not-a-port', GW_ENV: 'test' };

const ENTRIES: { entry: string; args: string[]; env: Record<string, string>; says: RegExp }[] = [
  { entry: 'gateway/main.ts', args: [], env: REFUSED, says: /invalid configuration/ },
  { entry: 'adapters/worker.ts', args: [], env: REFUSED, says: /invalid configuration/ },
  {
    entry: 'scripts/start.ts',
    args: [],
    env: { ...REFUSED, REDIS_URL: 'redis://127.0.0.1:1' },
    says: /invalid configuration/,
  },
  { entry: 'portal/server/main.ts', args: [], env: REFUSED, says: /invalid portal configuration/ },
  { entry: 'scripts/cli.ts', args: ['--help'], env: {}, says: /Usage:/ },
];

describe('the module compile cache of the process entry points', () => {
  for (const { entry, args, env, says } of ENTRIES)
    it(`${entry} leaves its modules compiled under the temporary directory's node-compile-cache`, async () => {
      const tmp = freshDir();
      const result = await run(entry, args, { ...env, TMPDIR: tmp });
      expect(result.output).toMatch(says);
      // Far more than the entry itself: what it imported after turning the cache on.
      expect(cachedFiles(join(tmp, 'node-compile-cache'))).toBeGreaterThan(50);
    });

  it('writes the cache where NODE_COMPILE_CACHE says', async () => {
    const tmp = freshDir();
    const chosen = join(freshDir(), 'cache');
    await run('gateway/main.ts', [], { ...REFUSED, TMPDIR: tmp, NODE_COMPILE_CACHE: chosen });
    expect(cachedFiles(chosen)).toBeGreaterThan(50);
    expect(cachedFiles(join(tmp, 'node-compile-cache'))).toBe(0);
  });

  it('writes no cache with NODE_DISABLE_COMPILE_CACHE=1, and the entry still runs', async () => {
    const tmp = freshDir();
    const result = await run('gateway/main.ts', [], {
      ...REFUSED,
      TMPDIR: tmp,
      NODE_DISABLE_COMPILE_CACHE: '1',
    });
    expect(result).toMatchObject({
      code: 1,
      output: expect.stringMatching(/invalid configuration/),
    });
    expect(cachedFiles(tmp)).toBe(0);
  });

  it('runs as before when the cache directory cannot be created (a read-only file system)', async () => {
    // The temporary directory is a device, so <TMPDIR>/node-compile-cache cannot be made.
    const result = await run('gateway/main.ts', [], { ...REFUSED, TMPDIR: '/dev/null' });
    // The configuration's refusal, not a crash over the cache.
    expect(result).toMatchObject({
      code: 1,
      output: expect.stringMatching(/invalid configuration/),
    });
    expect(result.output).not.toMatch(/cache/i);
  });
});
