// Which failures of a start are its abort (gateway/shared/start-abort.ts), the rule by which
// runProcess exits 0 ("stopped before it started") or 1 ("failed to start") after a signal; and
// how a start's step gives up on the signal. The processes' own steps are run against a Redis that
// stops answering in tests/integration/worker-operations.test.ts and gateway-processes.test.ts.
import { EventEmitter, once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../../../gateway/shared/redis.ts';
import { causedByAbort, unlessAborted } from '../../../gateway/shared/start-abort.ts';

function aborted(): AbortSignal {
  const controller = new AbortController();
  controller.abort(new Error('SIGTERM during start'));
  return controller.signal;
}

describe('causedByAbort', () => {
  it("counts the signal's reason, an AbortError of an API given the signal, and a step's error caused by either", async () => {
    const signal = aborted();
    const fromOnce = await once(new EventEmitter(), 'ready', { signal }).catch((e: unknown) => e);
    expect(causedByAbort(signal.reason, signal)).toBe(true);
    expect(causedByAbort(fromOnce, signal)).toBe(true);
    const wrapped = new StartupError('catalogue: SIGTERM during start', { cause: signal.reason });
    expect(causedByAbort(wrapped, signal)).toBe(true);
  });

  it('does not count a failure of its own that came after the signal, wrapped or not', () => {
    const signal = aborted();
    const own = new Error('revision 3 does not compile');
    expect(causedByAbort(own, signal)).toBe(false);
    expect(
      causedByAbort(new StartupError(`catalogue: ${own.message}`, { cause: own }), signal),
    ).toBe(false);
    expect(causedByAbort('not an error', signal)).toBe(false);
  });
});

describe('unlessAborted', () => {
  it("on an abort before the step settles, gives the step up and rejects with the signal's reason, not the step's failure", async () => {
    const controller = new AbortController();
    let rejectStep: (error: Error) => void = () => undefined;
    const step = new Promise<string>((_resolve, reject) => (rejectStep = reject));
    const closed: string[] = [];
    const given = unlessAborted(step, controller.signal, () => {
      closed.push('connection');
      // What closing a connection does to the command waiting on it.
      rejectStep(new Error('Connection is closed.'));
    });
    const reason = new Error('SIGTERM during start');
    controller.abort(reason);
    await expect(given).rejects.toBe(reason);
    expect(closed).toEqual(['connection']);
  });

  it('keeps the failure of a step that failed before the abort, and gives nothing up', async () => {
    const controller = new AbortController();
    const own = new Error('WRONGPASS invalid username-password pair');
    const closed: string[] = [];
    const given = unlessAborted(Promise.reject(own), controller.signal, () => closed.push('x'));
    await expect(given).rejects.toBe(own);
    controller.abort(new Error('SIGTERM during start'));
    expect(closed).toEqual([]);
  });
});
