// `npm run demo` against the whole local system (README.md#commands): the paying SW-005 case is
// followed to CLOSED and each status change is printed at its Beijing time (UTC+8), the time the
// portal and the console show, not the stored UTC time eight hours behind.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startE2eSystem, type E2eSystem } from './support/system.ts';

let sys: E2eSystem;

beforeAll(async () => {
  sys = await startE2eSystem('demo-times');
}, 60_000);
afterAll(async () => {
  await sys?.stop();
});

/** `npm run demo` against the test system: its exit code and what it printed. */
function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: projectPath(),
    env: { ...process.env, GW_URL: sys.gatewayUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** `2026-12-03 13:02:07.123Z` → `2026-12-03 21:02:07`, computed apart from the code under test. */
function beijing(iso: string): string {
  const at = new Date(Date.parse(iso) + 8 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())} ` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`
  );
}

describe('npm run demo', () => {
  it('prints each status change of the case at its Beijing time (UTC+8), saying so, never the UTC time', async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(code, stderr).toBe(0);
    const caseId = stdout.match(/→ case ([0-9A-Z]{26})/)?.[1];
    expect(caseId, stdout).toBeDefined();
    const view = await sys
      .client('portal-sc')
      .getCase<{ history: { at: string; status: string }[] }>(caseId!);
    const printed = stdout.split('\n').filter((line) => /^\d{4}-\d\d-\d\d /.test(line));
    expect(printed.map((line) => line.slice(0, 19))).toEqual(
      view.body.history.map((h) => beijing(h.at)),
    );
    expect(printed.map((line) => line.split(/\s+/)[2])).toEqual(
      view.body.history.map((h) => h.status),
    );
    expect(stdout).toContain('北京时间, UTC+8');
    for (const h of view.body.history) expect(stdout).not.toContain(h.at);
  }, 90_000);
});
