// The console's overview (gateway/console/home-page.ts): what needs an operator, read from the
// same Redis as /metrics and the 督办 board. A gateway without a relay beside it (its cases stay
// in the outbox), one case given up on (a dead letter), both left open past their due time and
// supervised (overdue), and a catalogue draft submitted for review: the card counts each, as
// /metrics does, and links where to act; then rectifications a province appealed, until decided;
// portal callbacks that failed for good, with how to replay them. Behind a gate that holds the figures' reads, the page
// still opens, saying they cannot be read.
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { draftInReview } from '../../support/catalogue.ts';
import { decideAppeal, evaluate, rectificationEvent } from '../../support/evaluation-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { startRedisGate } from '../../support/redis-gate.ts';
import { testRedisUrl } from '../../support/redis.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock(new Date().toISOString());
let gw: ApiGateway;
let dev: ConsoleClient;
let editor: ConsoleClient;

beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now, relay: false, liveCatalogue: true });
  // The draft's examples are checked against today: made on today's date, before the clock moves.
  await draftInReview(gw.client('operator-dev'));

  clock.set('2026-09-07T02:00:00Z');
  await submit(gw, 'SF-009');
  const failed = await submit(gw, 'SF-009');
  const record = await gw.services.store.get(failed.caseId);
  if (record?.kind !== 'single') throw new Error('not a single case');
  await recordDeliveryFailed(gw.services.store, record, { adapterId: 'yn', reason: 'refused' });
  clock.set('2026-10-30T02:00:00Z');
  await superviseOnce(supervisorOf(gw), clock.ms());

  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  editor = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** The figure a row of the card shows: `<span … data-figure="outbox">2</span>`. */
function figure(page: string, key: string): number {
  const found = new RegExp(`data-figure="${key}"[^>]*>\\s*(\\d+)\\s*<`).exec(page);
  if (!found) throw new Error(`no figure ${key} on the page`);
  return Number(found[1]);
}

let callbacks = 0;
/** A portal callback that failed for good: taken from its queue and failed, as a worker does. */
async function failedCallback(): Promise<void> {
  const queue = gw.services.callbacks.queue;
  const id = `overview-callback-${callbacks++}`;
  const data = { caseId: id, clientId: 'portal-sc', url: 'http://127.0.0.1:9/hooks', at: '' };
  await queue.add('event', { ...data, body: { type: 'test' } }, { jobId: id, lifo: true });
  const worker = new Worker(queue.name, null, {
    connection: gw.services.redis,
    prefix: queue.opts.prefix!,
    autorun: false,
  });
  try {
    const job = await worker.getNextJob(id);
    if (job?.id !== id) throw new Error(`took ${job?.id}, not ${id}`);
    await job.moveToFailed(new Error('portal answered 503'), id);
  } finally {
    await worker.close();
  }
}

/** The value of one series of the gateway's /metrics. */
async function series(name: string): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.slice(line.lastIndexOf(' ') + 1));
}

describe('the console overview', () => {
  it('counts the dead letter and the cases no relay has queued, as /metrics does', async () => {
    const home = await dev.get('/console/');
    expect(home.status).toBe(200);
    expect(figure(home.text, 'dead-letters')).toBe(1);
    expect(figure(home.text, 'dead-letters')).toBe(await series('gw_dead_letters'));
    expect(figure(home.text, 'outbox')).toBe(2);
    expect(figure(home.text, 'outbox')).toBe(await series('gw_outbox_cases'));
    expect(home.text).toMatch(/data-oldest-seconds="\d+"/);
    expect(home.text).toContain('href="/console/dead-letters"');
  });

  it('counts the portal callbacks that failed for good, saying how to replay them with their 8 attempts', async () => {
    expect(figure((await dev.get('/console/')).text, 'callbacks-failed')).toBe(0);
    await failedCallback();
    await failedCallback();
    const home = await dev.get('/console/');
    expect(figure(home.text, 'callbacks-failed')).toBe(2);
    expect(home.text).toContain('npm run cli -- failed-callbacks replay --all');
    expect(home.text).toContain('href="/console/callbacks/failed"');
  });

  it('counts the two cases the supervisor flagged overdue, linking to the list of them', async () => {
    const home = await dev.get('/console/');
    // The dead letter too: 督办 ends at the decision, and its applicant still waits.
    expect(figure(home.text, 'cases-flagged')).toBe(2);
    expect(home.text).toMatch(
      /href="\/console\/board\/list\?kind=case&amp;state=overdue"[^>]*data-flag-count="case-overdue"[^>]*>[^<]*<span class="en">overdue<\/span> 2</,
    );
    expect(figure(home.text, 'rectifications-flagged')).toBe(0);
  });

  it('shows the draft in review, linked to the review queue for an approver and to the drafts otherwise', async () => {
    const approver = await dev.get('/console/');
    expect(figure(approver.text, 'drafts-in-review')).toBe(1);
    expect(approver.text).toContain('href="/console/catalogue/review"');
    const reader = await editor.get('/console/');
    expect(figure(reader.text, 'drafts-in-review')).toBe(1);
    expect(reader.text).not.toContain('href="/console/catalogue/review"');
    expect(reader.text).toContain('href="/console/catalogue/drafts"');
  });

  it('says the relay is not moving the outbox only once its oldest case waited a minute', async () => {
    const fresh = await dev.get('/console/');
    expect(fresh.text).not.toContain('id="relay-stalled"');
    // The outbox's score is when the case was stored: pushed back two minutes, as if no worker
    // had relayed since.
    const keys = gw.services.config.keyPrefix;
    const outboxes = await gw.services.redis.keys(`${keys}*outbox*`);
    let moved = 0;
    for (const outbox of outboxes) {
      if ((await gw.services.redis.type(outbox)) !== 'zset') continue;
      const entries = await gw.services.redis.zrange(outbox, '0', '-1');
      for (const entry of entries) {
        await gw.services.redis.zadd(outbox, 'XX', String(Date.now() - 120_000), entry);
        moved++;
      }
    }
    expect(moved).toBe(2);
    const stale = await dev.get('/console/');
    expect(stale.text).toContain('id="relay-stalled"');
    expect(Number(/data-oldest-seconds="(\d+)"/.exec(stale.text)?.[1])).toBeGreaterThanOrEqual(120);
  });
});

describe('the console overview while Redis does not answer its figures', () => {
  it('still opens, saying the figures cannot be read, and counts again once Redis answers', async () => {
    const gate = await startRedisGate(testRedisUrl());
    const cut = await startApiGateway(
      { GW_REDIS_COMMAND_TIMEOUT_MS: '300' },
      { redisUrl: gate.url, relay: false },
    );
    try {
      const c = await ConsoleClient.signedIn(cut.url, 'operator-dev');
      // The session is read; the first count of the outbox, and all after it, get no answer.
      gate.holdNext('ZCARD');
      const blind = await c.get('/console/');
      expect(blind.status).toBe(200);
      expect(blind.text).toContain('id="attention-unavailable"');
      expect(blind.text).toContain('id="operator-id">operator-dev<');
      gate.release();
      const seeing = await c.get('/console/');
      expect(seeing.text).not.toContain('id="attention-unavailable"');
      expect(figure(seeing.text, 'dead-letters')).toBe(0);
    } finally {
      await cut.close();
      await gate.close();
    }
  });
});

// Last: its cases would be counted by the outbox figures above (this gateway runs no relay).
describe('appeals on the overview', () => {
  it('counts the rectifications appealed and not yet decided, linked to their list, as needing a holder of appeal', async () => {
    expect(figure((await dev.get('/console/')).text, 'appeals-to-decide')).toBe(0);
    const appealed: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { caseId } = await submit(gw, 'SF-009');
      await close(gw, 'province-yn', caseId, clock.now().toISOString());
      const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
      const id = rated.body.rectification!.id;
      expect((await rectificationEvent(gw, id, 'visited', '已回访')).status).toBe(200);
      expect((await rectificationEvent(gw, id, 'appealed', '评价对象有误')).status).toBe(200);
      appealed.push(id);
    }
    expect((await decideAppeal(gw, appealed[0]!, 'upheld')).status).toBe(200);
    const home = await dev.get('/console/');
    expect(figure(home.text, 'appeals-to-decide')).toBe(2);
    expect(home.text).toMatch(
      /data-attention="appeals-to-decide" class="warn"[\s\S]*?href="\/console\/board\/rectifications\?status=APPEALED"/,
    );
    // A reader without the right sees the figure, not as asking them to act.
    expect((await editor.get('/console/')).text).toContain(
      'data-attention="appeals-to-decide" class=""',
    );
  });

  it('asks for next year’s working-day calendar from December on, as /readyz warns, linking to a new calendar draft', async () => {
    const before = clock.now().toISOString();
    try {
      // October: 2026's calendar is published and no deadline reaches 2027.
      clock.set('2026-10-30T02:00:00Z');
      const october = (await dev.get('/console/')).text;
      expect(figure(october, 'calendars-missing')).toBe(0);
      expect(october).toContain('data-attention="calendars-missing" class=""');
      // December, China time: 2027 is not published (the repository holds no 2027 calendar).
      // A month on, the session signed in before has expired: sign in again.
      clock.set('2026-11-30T16:30:00Z');
      const december = (
        await (await ConsoleClient.signedIn(gw.url, 'operator-dev')).get('/console/')
      ).text;
      expect(figure(december, 'calendars-missing')).toBe(1);
      expect(december).toContain('data-attention="calendars-missing" class="warn"');
      expect(december).toContain('data-missing-year="2027"');
      expect(december).toContain('href="/console/catalogue/drafts/new?kind=calendar"');
      const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as {
        warnings?: { year: number; reason: string }[];
      };
      expect(ready.warnings).toEqual([
        expect.objectContaining({ code: 'calendar-year-missing', year: 2027, reason: 'next-year' }),
      ]);
    } finally {
      clock.set(before);
    }
  });
});
