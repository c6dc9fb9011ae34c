// The calendar recount finished by the next gateway to start (gateway/README.md#calendar-recount):
// a 2027 calendar is published while no gateway runs the recount, a run dies after counting one
// of two cases again, and a real gateway process (gateway/main.ts) started afterwards finds the
// year pending, counts the other case again and leaves the first as it is. The 2027 calendar is
// test data, not the official notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { readCase, submit } from '../../support/case-flow.ts';
import { publishCalendarDirect } from '../../support/catalogue.ts';
import { startGatewayProcess, type GatewayProcess } from '../../support/gateway-process.ts';
import { plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';
import { TEST_2027 } from '../../support/test-calendars.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-12-23T02:00:00Z');
const prefix = uniquePrefix('recount-process');
const redis = plainRedis();
let gw: ApiGateway;
let child: GatewayProcess | undefined;

beforeAll(async () => {
  gw = await startApiGateway({ GW_KEY_PREFIX: prefix }, { now: clock.now, liveCatalogue: true });
}, 60_000);
afterAll(async () => {
  await child?.stop();
  await gw?.close();
  redis.disconnect();
});

interface CaseView {
  dueAt: string;
  calendarAssumed: boolean;
  history: { actor: string; note?: string }[];
}
const recounts = (v: CaseView) => v.history.filter((h) => h.note?.includes('工作日历重新计算'));

describe('a recount a gateway left unfinished', () => {
  it('is finished by the next gateway process to start, each case counted again once', async () => {
    // SF-009 from Wednesday 12/23: Mon–Fri due Friday 2027-01-01, 元旦 in the test calendar.
    const first = (await submit(gw, 'SF-009')).caseId;
    const second = (await submit(gw, 'SF-009')).caseId;
    await publishCalendarDirect(redis, prefix, TEST_2027);
    await gw.services.catalogue.sync();
    // The run that died: it counted the first case again, then stopped (the year stays pending).
    const cases = gw.services.supervised.find((k) => k.kind === 'case')!;
    expect(
      await cases.recountDue(first, { year: 2027, reason: 'published' }, clock.now().toISOString()),
    ).toBe('recounted');

    child = await startGatewayProcess(prefix, {
      GW_RECONCILE_INTERVAL_MS: '200',
      GW_CATALOGUE_POLL_MS: '200',
    });
    const keys = redisKeys(prefix).catalogue;
    const done = await waitFor(
      async () => {
        const text = await redis.hget(keys.calendarRecounts, '2027');
        const state = text ? (JSON.parse(text) as { state: string; recounted: number }) : undefined;
        return state?.state === 'done' ? state : undefined;
      },
      { timeoutMs: 20_000, what: 'the 2027 recount done by the gateway process' },
    );
    expect(done!.recounted).toBe(1);
    for (const id of [first, second]) {
      const read = await readCase<CaseView>(gw, id);
      expect(read).toMatchObject({ dueAt: endOfChinaDay('2027-01-04'), calendarAssumed: false });
      expect(recounts(read)).toHaveLength(1);
    }
  });
});
