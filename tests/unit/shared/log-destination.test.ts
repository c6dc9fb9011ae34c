// The production log destination (gateway/shared/log-destination.ts) in real child processes
// (tests/support/log-child.ts through runProcess): lines written in batches still all reach
// stdout however the process ends, a quiet process's line comes out without an exit, and
// LOG_FLUSH_MS=0 writes each line as it is logged.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childEnv, LOG_CHILD, startLogChild } from '../../support/log-child-run.ts';
import { waitFor } from '../../support/redis.ts';

/** The numbers of the 'line' lines, in the order they arrived. */
function numbered(lines: Record<string, unknown>[]): unknown[] {
  return lines.filter((line) => line.msg === 'line').map((line) => line.i);
}

const COUNT = 2000;
const ALL = Array.from({ length: COUNT }, (_, i) => i);

describe('log lines written in batches', () => {
  it('all reach stdout, in order and redacted, when runProcess exits 1 after a fatal start', async () => {
    const child = startLogChild('fail-start', { LOG_CHILD_LINES: String(COUNT) });
    expect(await child.exited).toBe(1);
    const lines = child.lines();
    expect(numbered(lines)).toEqual(ALL);
    expect(lines.filter((line) => line.msg === 'line').map((line) => line.secret)).toEqual(
      ALL.map(() => '[masked]'),
    );
    expect(lines.at(-1)).toMatchObject({ level: 60, msg: 'log-child failed to start' });
  });

  it('all reach stdout when the process ends by itself', async () => {
    const child = startLogChild('end', { LOG_CHILD_LINES: String(COUNT) });
    expect(await child.exited).toBe(0);
    expect(numbered(child.lines())).toEqual(ALL);
  });

  it('all reach stdout when an uncaught exception ends the process', async () => {
    const child = startLogChild('throw', { LOG_CHILD_LINES: String(COUNT) });
    expect(await child.exited).toBe(1);
    expect(numbered(child.lines())).toEqual(ALL);
  });

  it('writes the one line of an otherwise idle process without waiting for an exit', async () => {
    const child = startLogChild('serve', { LOG_CHILD_LINES: '1' });
    // Ready once started (however long a loaded machine takes to start Node): the line is logged
    // by then, and must come out within the flush period while the process keeps running.
    await child.ready;
    await waitFor(() => numbered(child.lines()).length === 1, { what: 'the line' });
    expect(child.running()).toBe(true);
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it("writes the lines still waiting and runProcess's 'stopping' line on SIGTERM", async () => {
    // A flush period far longer than the test: only the exit can bring these lines out.
    const child = startLogChild('serve', { LOG_CHILD_LINES: '3', LOG_FLUSH_MS: '10000' });
    await child.ready;
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const lines = child.lines();
    expect(numbered(lines)).toEqual([0, 1, 2]);
    expect(lines.at(-1)).toMatchObject({ msg: 'log-child stopping', signal: 'SIGTERM' });
  });

  it('loses the lines of the last flush period to a SIGKILL, which runs no exit hook', async () => {
    const child = startLogChild('sigkill', { LOG_CHILD_LINES: '3', LOG_FLUSH_MS: '10000' });
    expect(await child.exited).toBeNull();
    expect(numbered(child.lines())).toEqual([]);
  });
});

describe('log lines of processes sharing one stdout pipe (the gateway processes of a cluster)', () => {
  it('never interleave: each batch is whole lines within PIPE_BUF', async () => {
    // Three children writing into one pipe(2) — the shell's, as a container runtime's would be;
    // Node's own stdio 'pipe' is a socket pair — read by cat. A batch longer than PIPE_BUF could
    // be split and mixed with another's: with batches up to 16 KiB, 10 to 30 of these 60 000
    // lines came out broken.
    const lines = 20_000;
    const shell = spawn(
      'sh',
      [
        '-c',
        '("$0" "$1" end & "$0" "$1" end & "$0" "$1" end; wait) | cat',
        process.execPath,
        LOG_CHILD,
      ],
      { env: childEnv({ LOG_CHILD_LINES: String(lines) }), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    shell.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    expect(await new Promise((resolve) => shell.on('close', resolve))).toBe(0);
    const byChild = new Map<unknown, unknown[]>();
    for (const text of stdout.split('\n').slice(0, -1)) {
      // Every line parses whole; the numbered ones are counted (runProcess logs its own too).
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line.msg !== 'line') continue;
      const numbers = byChild.get(line.pid) ?? [];
      byChild.set(line.pid, numbers);
      numbers.push(line.i);
    }
    expect([...byChild.values()]).toEqual(
      [0, 1, 2].map(() => Array.from({ length: lines }, (_, i) => i)),
    );
  });
});

describe('LOG_FLUSH_MS=0', () => {
  it('writes every line as it is logged: a SIGKILL right after loses none', async () => {
    const child = startLogChild('sigkill', { LOG_CHILD_LINES: String(COUNT), LOG_FLUSH_MS: '0' });
    expect(await child.exited).toBeNull();
    expect(numbered(child.lines())).toEqual(ALL);
  });
});
