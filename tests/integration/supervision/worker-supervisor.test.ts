// The worker process runs the 督办 pass, the default ratings and the default re-ratings on its own
// (adapters/worker-process.ts, every GW_SUPERVISION_INTERVAL_MS): with an injected clock moved past
// a case's due time, past a closed case's rating window and past an explained rectification's
// re-rating window, the flags, the default rating and the default re-rating appear without anyone
// calling a pass — and a subject whose record cannot be read does not stop the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type RunningWorkers } from '../../../adapters/worker-process.ts';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { evaluate, readRectification, rectificationEvent } from '../../support/evaluation-flow.ts';
import { plainRedis, waitFor } from '../../support/redis.ts';
import { DAY_MS, testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
let workers: RunningWorkers;
beforeAll(async () => {
  gw = await startApiGateway({ GW_SUPERVISION_INTERVAL_MS: '1000' }, { now: clock.now });
  workers = await startWorkers(gw.config, gw.services.logger, { adapters: [], now: clock.now });
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
});

interface View {
  flags: { warning: boolean; overdue: boolean; escalated: boolean };
  evaluations: { rated: string; level: number; source: string }[];
}

describe('the worker’s supervisor', () => {
  it('raises the flags of an overdue case and records the default rating of a silent one', async () => {
    // A record in the board's schedule that is not a case any more (corrupt): looked at, skipped.
    const redis = plainRedis();
    const keys = redisKeys(gw.config.keyPrefix);
    const broken = '01M8BR0KEN0000000000000000';
    await redis.hset(keys.case(broken), { id: broken, status: 'ROUTED' });
    await gw.services.board.track(
      { kind: 'case', id: broken, province: '53', itemCode: 'SF-009' },
      clock.ms(),
      endOfChinaDay('2026-09-08'),
    );
    redis.disconnect();

    const overdue = await submit(gw, 'SF-009');
    const silent = await submit(gw, 'SF-009');
    await close(gw, 'province-yn', silent.caseId, clock.now().toISOString());
    // Past the overdue case's due time (9/16) and the silent case's window (closed 9/7, 7 days).
    clock.set(new Date(Date.parse(endOfChinaDay('2026-09-16')) + 1000).toISOString());
    expect(clock.ms() - Date.parse('2026-09-07T02:00:00Z')).toBeGreaterThan(7 * DAY_MS);

    const flagged = await waitFor(
      async () => {
        const view = await readCase<View>(gw, overdue.caseId);
        return view.flags.overdue ? view : undefined;
      },
      { timeoutMs: 8000, what: 'the overdue flag' },
    );
    expect(flagged?.flags).toEqual({ warning: true, overdue: true, escalated: false });
    const rated = await waitFor(
      async () => {
        const view = await readCase<View>(gw, silent.caseId);
        return view.evaluations.length === 2 ? view : undefined;
      },
      { timeoutMs: 8000, what: 'the default ratings' },
    );
    expect(rated?.evaluations.map((e) => [e.rated, e.level, e.source])).toEqual([
      ['handling', 3, 'default'],
      ['collecting', 3, 'default'],
    ]);
    expect(
      gw
        .logLines()
        .some((l) => l.subject === `case:${broken}` && String(l.msg).includes('look failed')),
    ).toBe(true);
  });

  it('re-rates by default an explained rectification whose portal did not re-rate it in 7 days', async () => {
    clock.set('2026-10-12T02:00:00Z');
    const { caseId } = await submit(gw, 'SF-009');
    await close(gw, 'province-yn', caseId, clock.now().toISOString());
    const rated = await evaluate(gw, caseId, { level: 2, rated: 'handling' });
    const id = rated.body.rectification!.id;
    await rectificationEvent(gw, id, 'visited');
    expect((await rectificationEvent(gw, id, 'explained')).body.status).toBe('EXPLAINED');
    clock.advance(7 * DAY_MS);

    const closed = await waitFor(
      async () => {
        const r = (
          await readRectification<{ status: string; reRating?: { level: number; source: string } }>(
            gw,
            id,
          )
        ).body;
        return r.status === 'CLOSED' ? r : undefined;
      },
      { timeoutMs: 8000, what: 'the default re-rating' },
    );
    expect(closed?.reRating).toMatchObject({ level: 3, source: 'default' });
  });
});
