// The default re-rating (gateway/README.md#rectification-lifecycle) with an injected clock: a
// rectification RECTIFIED or EXPLAINED whose portal does not re-rate it within the owner
// province's reRatingWindowDays (7 natural days by default) is re-rated 3 基本满意 by the worker's
// pass and CLOSED — history, the portal's callback, the statistics; one re-rated in time keeps the
// portal's; a re-rating after the window ended is 409 GW_ILLEGAL_TRANSITION whether the worker's
// pass recorded the default already or not (then the request records it); late re-ratings and
// several workers' passes racing close it exactly once. The console's
// rectification page says when the window ends, then shows the default.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackJobData } from '../../../gateway/callbacks/callback-queue.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import {
  defaultReRatingPass,
  evaluate,
  readRectification,
  rectificationEvent,
  reRate,
} from '../../support/evaluation-flow.ts';
import { DAY_MS, testClock } from '../../support/test-clock.ts';

const HOOK = 'http://127.0.0.1:9/hooks/swgw';
/** SF-009's handling province: 云南, whose window is the default 7 days. */
const PROVINCE = '53';
const clock = testClock('2026-11-02T02:00:00Z');
let gw: ApiGateway;
let queue: Queue<CallbackJobData>;
beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  queue = new Queue(CALLBACK_QUEUE, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(CALLBACK_QUEUE),
  });
});
afterAll(async () => {
  await queue?.close();
  await gw?.close();
});

interface Rect {
  status: string;
  reRatingDueAt?: string;
  reRating?: { level: number; at: string; source: string; comment?: string };
  history: { status: string; actor: string; at: string; note?: string }[];
}

const rect = async (id: string, client = 'portal-sc') =>
  (await readRectification<Rect>(gw, id, client)).body;

/** A 差评 of a closed SF-009 case of the 四川 portal, visited, then rectified or explained. */
async function awaitingReRating(move: 'rectified' | 'explained'): Promise<string> {
  const { caseId } = await submit(gw, 'SF-009', { callbackUrl: HOOK });
  await close(gw, 'province-yn', caseId, clock.now().toISOString());
  const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
  expect(rated.status).toBe(201);
  const id = rated.body.rectification!.id;
  expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
  expect((await rectificationEvent(gw, id, move)).body.status).toBe(move.toUpperCase());
  return id;
}

const defaults = (nowMs = clock.ms()) => defaultReRatingPass(gw, clock.now, nowMs);

const windowEnd = (id: string) => gw.services.rectifications.reRatingWindows.endOf(PROVINCE, id);

async function rectificationCallbacks(id: string) {
  const jobs = await queue.getJobs(['waiting', 'delayed']);
  // `<sequence>:<status>` of each rectification callback queued for it.
  return jobs
    .flatMap((j) =>
      j.id?.startsWith(`rectification-${id}-`) && 'body' in j.data
        ? [`${j.id.slice(`rectification-${id}-`.length)}:${String(j.data.body.status)}`]
        : [],
    )
    .sort();
}

interface RectFigures {
  reRated: number;
  reRatedGood: number;
  defaultReRatings: number;
}

async function figures(): Promise<RectFigures> {
  const res = await gw
    .client('operator-dev')
    .request<{ totals: { rectifications: RectFigures } }>(
      'GET',
      `/v1/stats/evaluations?province=${PROVINCE}&itemCode=SF-009`,
    );
  expect(res.status).toBe(200);
  const { reRated, reRatedGood, defaultReRatings } = res.body.totals.rectifications;
  return { reRated, reRatedGood, defaultReRatings };
}

describe('a rectification its portal does not re-rate', () => {
  it('explained and rectified, each is re-rated 3 by default once its 7-day window ends: CLOSED, history by the gateway, the portal called back, counted as default re-ratings', async () => {
    clock.set('2026-11-02T02:00:00Z');
    const explained = await awaitingReRating('explained');
    const explainedAt = clock.now().toISOString();
    clock.advance(DAY_MS);
    const rectified = await awaitingReRating('rectified');
    const before = await figures();

    // While waiting: the view says when the window ends, 7 natural days after the move.
    const waiting = await rect(explained);
    expect(waiting.status).toBe('EXPLAINED');
    expect(waiting.reRatingDueAt).toBe(
      new Date(Date.parse(explainedAt) + 7 * DAY_MS).toISOString(),
    );
    expect(waiting.reRating).toBeUndefined();
    expect(await windowEnd(explained)).toBe(Date.parse(waiting.reRatingDueAt!));

    // A millisecond before the first window ends, nothing is due.
    expect(await defaults(Date.parse(waiting.reRatingDueAt!) - 1)).toBe(0);
    expect((await rect(explained)).status).toBe('EXPLAINED');

    clock.set(waiting.reRatingDueAt!);
    expect(await defaults()).toBe(1);
    expect((await rect(rectified)).status).toBe('RECTIFIED');
    clock.advance(DAY_MS);
    expect(await defaults()).toBe(1);

    for (const [id, moved] of [
      [explained, 'EXPLAINED'],
      [rectified, 'RECTIFIED'],
    ] as const) {
      const done = await rect(id);
      expect(done.status).toBe('CLOSED');
      expect(done.reRating).toMatchObject({ level: 3, source: 'default' });
      expect(done.history.map((h) => [h.status, h.actor])).toEqual([
        ['OPEN', 'gateway'],
        ['VISITED', 'province-yn'],
        [moved, 'province-yn'],
        ['CLOSED', 'gateway'],
      ]);
      expect(done.history.at(-1)?.note).toContain('by default');
      expect(await rectificationCallbacks(id)).toEqual(['2:VISITED', `3:${moved}`, '4:CLOSED']);
      expect(await windowEnd(id)).toBeUndefined();
    }
    expect(await figures()).toEqual({
      reRated: before.reRated + 2,
      reRatedGood: before.reRatedGood,
      defaultReRatings: before.defaultReRatings + 2,
    });
    // Nothing left: another pass records none.
    expect(await defaults()).toBe(0);
  });

  it('keeps the re-rating of a portal that re-rated in time, and records no default for it', async () => {
    clock.set('2026-11-16T02:00:00Z');
    const id = await awaitingReRating('rectified');
    clock.advance(6 * DAY_MS);
    expect((await reRate(gw, id, { level: 5, comment: '改得好' })).body.status).toBe('CLOSED');
    expect(await windowEnd(id)).toBeUndefined();
    const before = await figures();

    clock.advance(2 * DAY_MS);
    expect(await defaults()).toBe(0);
    const done = await rect(id);
    expect(done.reRating).toMatchObject({ level: 5, source: 'applicant' });
    expect(done.history.map((h) => h.actor).at(-1)).toBe('portal-sc');
    expect(done.history).toHaveLength(4);
    expect(await figures()).toEqual(before);
  });

  it('answers a re-rating after the default 409 GW_ILLEGAL_TRANSITION and keeps the default', async () => {
    clock.set('2026-11-30T02:00:00Z');
    const id = await awaitingReRating('explained');
    clock.advance(7 * DAY_MS);
    expect(await defaults()).toBe(1);
    const late = await reRate(gw, id, { level: 1, comment: '没人理' });
    expect([late.status, late.body.code]).toEqual([409, 'GW_ILLEGAL_TRANSITION']);
    const done = await rect(id);
    expect(done.reRating).toMatchObject({ level: 3, source: 'default' });
    expect(done.history).toHaveLength(4);
  });

  it('refuses a re-rating sent after the window ended but before the worker’s pass: 409 GW_ILLEGAL_TRANSITION, the default recorded then and there, once, with its callback', async () => {
    clock.set('2026-12-02T02:00:00Z');
    const id = await awaitingReRating('rectified');
    const before = await figures();
    clock.set((await rect(id)).reRatingDueAt!);
    const late = await reRate(gw, id, { level: 5, comment: '晚了' });
    expect([late.status, late.body.code]).toEqual([409, 'GW_ILLEGAL_TRANSITION']);
    expect(late.body.detail).toMatch(
      /re-rating window ended at .*re-rated 3 \(基本满意\) by default/,
    );
    const done = await rect(id);
    expect(done).toMatchObject({ status: 'CLOSED', reRating: { level: 3, source: 'default' } });
    expect(done.history.filter((h) => h.status === 'CLOSED')).toHaveLength(1);
    expect(await rectificationCallbacks(id)).toEqual(['2:VISITED', '3:RECTIFIED', '4:CLOSED']);
    expect(await windowEnd(id)).toBeUndefined();
    // The worker's pass finds nothing left; the same late re-rating again is the same 409.
    expect(await defaults()).toBe(0);
    const again = await reRate(gw, id, { level: 5, comment: '晚了' });
    expect([again.status, again.body.code]).toEqual([409, 'GW_ILLEGAL_TRANSITION']);
    expect(await figures()).toEqual({
      reRated: before.reRated + 1,
      reRatedGood: before.reRatedGood,
      defaultReRatings: before.defaultReRatings + 1,
    });
  });

  it('refuses, in the step, a default whose read the portal’s re-rating overtook: the portal’s stands', async () => {
    clock.set('2026-12-07T02:00:00Z');
    const id = await awaitingReRating('rectified');
    // The pass (on a clock a minute ahead: another machine) read it waiting; the portal re-rates
    // within its window before the pass's step runs.
    clock.advance(7 * DAY_MS - 60_000);
    const store = gw.services.rectifications;
    const read = (await store.get(id))!;
    expect((await reRate(gw, id, { level: 2 })).body.status).toBe('CLOSED');
    clock.advance(60_000);
    const late = await store.move(read, 're-rated-by-default', {
      actor: 'gateway',
      fields: { reRating: JSON.stringify({ level: 3, at: clock.now().toISOString() }) },
      counters: [],
    });
    expect(late).toEqual({ ok: false, reason: 'changed', current: 'CLOSED' });
    expect(await defaults()).toBe(0);
    const done = await rect(id);
    expect(done.reRating).toMatchObject({ level: 2, source: 'applicant' });
    expect(done.history.filter((h) => h.status === 'CLOSED')).toHaveLength(1);
  });

  it('records one default per rectification however many workers run the pass at once', async () => {
    clock.set('2026-12-09T02:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await awaitingReRating(i % 2 ? 'explained' : 'rectified'));
    clock.advance(7 * DAY_MS);
    const before = await figures();
    const passes = await Promise.all([defaults(), defaults(), defaults()]);
    expect(passes.reduce((a, b) => a + b, 0)).toBe(ids.length);
    for (const id of ids) {
      const done = await rect(id);
      expect(done.history.filter((h) => h.status === 'CLOSED')).toHaveLength(1);
      expect((await rectificationCallbacks(id)).filter((c) => c.endsWith(':CLOSED'))).toEqual([
        '4:CLOSED',
      ]);
    }
    expect((await figures()).defaultReRatings).toBe(before.defaultReRatings + ids.length);
  });

  it('closes it exactly once, by default, when late re-ratings from the portal and two workers’ passes race after the window ended', async () => {
    clock.set('2026-12-14T02:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await awaitingReRating(i % 2 ? 'explained' : 'rectified'));
    clock.advance(7 * DAY_MS);
    const before = await figures();

    const [first, second, portal] = await Promise.all([
      defaults(),
      defaults(),
      Promise.all(ids.map((id) => reRate(gw, id, { level: 4 }))),
    ]);
    // Every re-rating came too late; each default was recorded once, by a pass or by the request.
    expect(portal.map((r) => [r.status, r.body.code])).toEqual(
      ids.map(() => [409, 'GW_ILLEGAL_TRANSITION']),
    );
    expect(first + second).toBeLessThanOrEqual(ids.length);
    for (const id of ids) {
      const done = await rect(id);
      expect(done).toMatchObject({ status: 'CLOSED', reRating: { level: 3, source: 'default' } });
      expect(done.history.filter((h) => h.status === 'CLOSED')).toHaveLength(1);
      expect((await rectificationCallbacks(id)).filter((c) => c.endsWith(':CLOSED'))).toEqual([
        '4:CLOSED',
      ]);
    }
    expect(await figures()).toEqual({
      reRated: before.reRated + ids.length,
      reRatedGood: before.reRatedGood,
      defaultReRatings: before.defaultReRatings + ids.length,
    });
  });
});

describe('rectifications rectified or explained by a gateway that opened no window (before the default re-rating existed, or an older one)', () => {
  it('get the window their move would have opened, by a walk once a day per province (an older gateway’s moves during a rolling upgrade too): re-rated by default when it ended, waiting otherwise', async () => {
    clock.set('2027-01-04T02:00:00Z');
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards).rating(PROVINCE);
    const redis = gw.services.redis;
    /** As the previous version stored it: no reRatingDueAt, no window, the walk not done. */
    const asBefore = async (id: string) => {
      await redis.hdel(keys.rectification(id), 'reRatingDueAt');
      await redis.zrem(keys.reRatingWindows, id);
      await redis.del(keys.reRatingBackfilled);
    };
    const old = await awaitingReRating('explained');
    const oldMovedAt = clock.ms();
    clock.advance(10 * DAY_MS);
    const recent = await awaitingReRating('rectified');
    const recentMovedAt = clock.ms();
    const reRated = await awaitingReRating('rectified');
    expect((await reRate(gw, reRated, { level: 4 })).status).toBe(200);
    await asBefore(old);
    await asBefore(recent);
    expect((await rect(old)).reRatingDueAt).toBeUndefined();
    clock.advance(DAY_MS);

    // The old one's window ended 4 days ago: opened and re-rated in the same pass.
    expect(await defaults()).toBe(1);
    const closed = await rect(old);
    expect(closed).toMatchObject({
      status: 'CLOSED',
      reRatingDueAt: new Date(oldMovedAt + 7 * DAY_MS).toISOString(),
      reRating: { level: 3, source: 'default' },
    });
    // The recent one waits for the rest of its 7 days; the closed one gets none.
    expect(await rect(recent)).toMatchObject({
      status: 'RECTIFIED',
      reRatingDueAt: new Date(recentMovedAt + 7 * DAY_MS).toISOString(),
    });
    expect(await windowEnd(recent)).toBe(recentMovedAt + 7 * DAY_MS);
    expect(await windowEnd(reRated)).toBeUndefined();
    expect(await redis.exists(keys.reRatingBackfilled)).toBe(1);

    const walkedAt = clock.ms();
    expect(await redis.get(keys.reRatingBackfilled)).toBe(new Date(walkedAt).toISOString());

    // A rectification an older gateway explains after the walk (a rolling upgrade): no window.
    // Within the day a pass does not walk again; it waits.
    const later = await awaitingReRating('explained');
    const laterMovedAt = clock.ms();
    await redis.hdel(keys.rectification(later), 'reRatingDueAt');
    await redis.zrem(keys.reRatingWindows, later);
    clock.advance(DAY_MS - 1);
    expect(await defaults()).toBe(0);
    expect((await rect(later)).reRatingDueAt).toBeUndefined();
    // A day after the walk the next one opens its window, from its move; once that window has
    // ended it is re-rated by default like any other.
    clock.advance(1);
    expect(await defaults()).toBe(0);
    expect(await windowEnd(later)).toBe(laterMovedAt + 7 * DAY_MS);
    clock.advance(7 * DAY_MS);
    expect(await defaults()).toBe(2);
    expect((await rect(recent)).status).toBe('CLOSED');
    expect(await rect(later)).toMatchObject({
      status: 'CLOSED',
      reRatingDueAt: new Date(laterMovedAt + 7 * DAY_MS).toISOString(),
      reRating: { level: 3, source: 'default' },
    });
  });
});

describe('the console’s rectification page', () => {
  /** The element with this id up to the end of its tag's block. */
  function part(text: string, id: string, end = '</dd>'): string {
    const at = text.indexOf(`id="${id}"`);
    expect(at, `no #${id} on the page`).toBeGreaterThan(-1);
    return text.slice(at, text.indexOf(end, at));
  }
  /** What a person reads: tags out (a time is a <time> element), spaces collapsed. */
  const shown = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
  const china = (iso: string) =>
    new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

  it('says, while the re-rating is awaited, when its window ends in China time, then shows the default re-rating marked as such', async () => {
    clock.set('2026-12-21T02:00:00Z');
    const id = await awaitingReRating('explained');
    const url = `/console/board/rectifications/${id}`;
    const waiting = await (await ConsoleClient.signedIn(gw.url, 'operator-dev')).get(url);
    expect(waiting.status).toBe(200);
    const dueAt = (await rect(id)).reRatingDueAt!;
    const due = part(waiting.text, 'rectification-re-rating-due');
    expect(due).toContain(`<time datetime="${dueAt}">`);
    expect(shown(due)).toContain(china(dueAt));
    expect(shown(due)).toContain('默认基本满意');
    expect(waiting.text).not.toContain('id="rectification-re-rating"');

    clock.set(dueAt);
    expect(await defaults()).toBe(1);
    // Signed in again: the session's clock is the gateway's, a week on.
    const closed = await (await ConsoleClient.signedIn(gw.url, 'operator-dev')).get(url);
    expect(closed.status).toBe(200);
    const reRating = part(closed.text, 'rectification-re-rating');
    expect(reRating).toContain('data-source="default"');
    expect(reRating).toMatch(/3\s+基本满意/);
    expect(reRating).toContain('默认');
    expect(closed.text).not.toContain('id="rectification-re-rating-due"');
    const history = part(closed.text, 'rectification-history', '</ol>');
    expect([...history.matchAll(/data-step="(\w+)"/g)].map((m) => m[1]).at(-1)).toBe('CLOSED');
    expect(history).toContain('by default');
    // The note's deadline shown as every time on the page, not as the stored UTC instant.
    expect(history).toContain(`<time datetime="${dueAt}">`);
    expect(shown(history)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
  });
});
