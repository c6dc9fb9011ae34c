// How a process entry (gateway/shared/process-entry.ts: the gateway's and the worker's) stops on
// SIGTERM (and SIGHUP), in real child processes (tests/support/log-child.ts): a SIGTERM during start aborts the
// start's signal; a start that gives up on it exits 0, "stopped before it started"; one that then
// fails for a reason of its own exits 1, "failed to start"; one that does not give up is waited
// for, then what it started is stopped, exit 0; a stop that reports something left open, or never
// ends within GW_SHUTDOWN_TIMEOUT_MS, logs "did not stop cleanly" and exits 1
// (README.md#operations, Shutdown).
import { describe, it } from 'vitest';
import { ECHO_MS } from '../../../gateway/shared/stop-signals.ts';
import { startLogChild } from '../../support/log-child-run.ts';
import { waitFor } from '../../support/redis.ts';

// Each test waits on a child of its own (its start, the shutdown deadline, the 2 s echo window)
// and shares nothing with the others: they run at once rather than one after the other.
describe.concurrent('runProcess on SIGTERM', () => {
  it('during start: lets start finish, then stops what it started and exits 0', async ({
    expect,
  }) => {
    const child = startLogChild('slow-start', { LOG_FLUSH_MS: '0' });
    await child.ready;
    child.kill('SIGTERM');
    // Still running, its start not finished: told so by the log line the signal writes.
    await waitFor(() => child.messages().includes('log-child stopping') || !child.running(), {
      what: 'the stopping line or an exit',
    });
    expect(child.running()).toBe(true);
    child.send('finish');
    expect(await child.exited).toBe(0);
    expect(await child.signal).toBeNull();
    expect(child.messages()).toEqual(['log-child starting', 'log-child stopping', 'stopped']);
  });

  it('during a start that gives up on its abort signal: logs that it stopped before it started and exits 0', async ({
    expect,
  }) => {
    const child = startLogChild('aborted-start', { LOG_FLUSH_MS: '0' });
    await child.ready;
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(await child.signal).toBeNull();
    expect(child.messages()).toEqual([
      'log-child starting',
      'log-child stopping',
      'log-child stopped before it started',
    ]);
  });

  it('during a start that then fails for a reason of its own, not its abort: logs a failed start and exits 1', async ({
    expect,
  }) => {
    const child = startLogChild('fails-after-abort', { LOG_FLUSH_MS: '0' });
    await child.ready;
    child.kill('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(child.messages()).toEqual([
      'log-child starting',
      'log-child stopping',
      'log-child failed to start',
    ]);
    expect(child.lines().at(-1)).toMatchObject({
      level: 60,
      err: { message: 'catalogue: revision 3 does not compile' },
    });
  });

  it('after start, with a stop that reports something not closed cleanly: logs it and exits 1', async ({
    expect,
  }) => {
    const child = startLogChild('unclean-stop', {});
    await child.ready;
    child.kill('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(child.lines().at(-1)).toMatchObject({
      level: 50,
      msg: 'log-child did not stop cleanly',
      signal: 'SIGTERM',
    });
  });

  it('after start, with a stop that never ends: logs it at the shutdown deadline and exits 1', async ({
    expect,
  }) => {
    const child = startLogChild('hung-stop', { GW_SHUTDOWN_TIMEOUT_MS: '100' });
    await child.ready;
    child.kill('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(child.messages()).toEqual([
      'log-child starting',
      'log-child stopping',
      'log-child did not stop cleanly',
    ]);
  });

  it('stops cleanly on SIGHUP, its terminal closed: exits 0, not killed by the signal as Node would by default', async ({
    expect,
  }) => {
    const child = startLogChild('serve', { LOG_FLUSH_MS: '0' });
    await child.ready;
    child.kill('SIGHUP');
    expect(await child.exited).toBe(0);
    expect(await child.signal).toBeNull();
    expect(child.messages()).toEqual(['log-child starting', 'log-child stopping']);
  });

  it('takes a SIGTERM soon after a SIGINT (npm or the cluster primary passing on a terminal Ctrl-C) as the same stop: it is not killed by the second signal', async ({
    expect,
  }) => {
    const child = startLogChild('hung-stop', { LOG_FLUSH_MS: '0', GW_SHUTDOWN_TIMEOUT_MS: '100' });
    await child.ready;
    child.kill('SIGINT');
    await waitFor(() => child.messages().includes('log-child stopping'), {
      what: 'the stopping line',
    });
    child.kill('SIGTERM');
    // The stop goes on to its own deadline (1.1 s, inside the 2 s the echo is ignored for).
    expect(await child.exited).toBe(1);
    expect(await child.signal).toBeNull();
    expect(child.messages()).toEqual([
      'log-child starting',
      'log-child stopping',
      'log-child did not stop cleanly',
    ]);
  });

  it('ends at once, killed, on a signal repeated after the echo window (an operator insisting)', async ({
    expect,
  }) => {
    const child = startLogChild('hung-stop', {
      LOG_FLUSH_MS: '0',
      GW_SHUTDOWN_TIMEOUT_MS: '60000',
    });
    await child.ready;
    const firstAt = Date.now();
    child.kill('SIGINT');
    await waitFor(() => child.messages().includes('log-child stopping'), {
      what: 'the stopping line',
    });
    // Insisting every 100 ms until it ends: the first repeats fall inside the echo window.
    await waitFor(
      () => {
        if (child.running()) child.kill('SIGTERM');
        return !child.running();
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the process killed' },
    );
    expect(await child.signal).toBe('SIGTERM');
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(ECHO_MS);
  });
});
