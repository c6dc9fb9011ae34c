// The worker follows the published catalogue as gateways do (gateway/README.md#live-reload): an
// item version or a working-day calendar year published while a worker runs is used by its
// deliveries, status queries, due dates and 督办 passes without a restart, and a revision it
// cannot build leaves it on the last good one. Real gateway (following the catalogue), the worker's start
// function on the test Redis, 藏易通 (xz) faked at the network with nock; one injected clock for
// both, moved past the province's silence to have the worker query it.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../../adapters/worker-process.ts';
import { XZ_APPLICATIONS_PATH } from '../../../adapters/xz/xz-wire.ts';
import type { CaseRecord } from '../../../gateway/cases/case-record.ts';
import type { CatalogueStatus } from '../../../gateway/catalogue/live-catalogue.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { readCase } from '../../support/case-flow.ts';
import {
  publishCalendarDirect,
  publishDirect,
  seedDraftItem,
  type EditableItem,
} from '../../support/catalogue.ts';
import { plainRedis, waitFor } from '../../support/redis.ts';
import { testClock } from '../../support/test-clock.ts';
import { memoryLogger } from '../../support/test-gateway.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';

const XZ = 'http://xz.worker-catalogue.test';
const SILENCE_MS = 1000;
// A Monday of a year config/calendars/ does not hold: counted Monday to Friday until published.
const clock = testClock('2027-03-01T02:00:00Z');
const redis = plainRedis();
const workerLog = memoryLogger('info');

/** What the fake 藏易通 was sent (delivery bodies) and answers to status queries, by case. */
const delivered = new Map<string, { service: { name: string; version: number } }>();
const statusEvents = new Map<string, Record<string, unknown>[]>();

let gw: ApiGateway;
let workers: RunningWorkers;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(XZ)
    .persist()
    .post(/.*/)
    .reply(async (request: Request) => {
      const body = JSON.parse(await request.text()) as {
        businessNo: string;
        service: { name: string; version: number };
      };
      delivered.set(body.businessNo, body);
      return [202, { ticket: `XZ-${body.businessNo.slice(-6)}` }];
    })
    .get((path: string) => path.startsWith(`${XZ_APPLICATIONS_PATH}/`))
    .reply((request: Request) => {
      const { pathname } = new URL(request.url);
      const caseId = decodeURIComponent(pathname.slice(XZ_APPLICATIONS_PATH.length + 1));
      const events = statusEvents.get(caseId) ?? [];
      const ticket = `XZ-${caseId.slice(-6)}`;
      return [200, { businessNo: caseId, ticket, status: 'QUEUED', events }];
    });
  gw = await startApiGateway(
    { GW_PROVINCE_SILENCE_MS: String(SILENCE_MS), GW_SUPERVISION_INTERVAL_MS: '1000' },
    { liveCatalogue: true, now: clock.now },
  );
  workers = await startWorkers(gw.config, workerLog.logger, {
    adapters: ['xz'],
    adapterSettings: withBaseUrls(loadAdapterSettings({ env: 'test' }), { xz: XZ }),
    now: clock.now,
  });
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  redis.disconnect();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Waits until the gateway and the worker both use the revision (the hint or the poll). */
async function bothAt(revision: number): Promise<void> {
  await waitFor(
    () =>
      gw.services.catalogue.status().revision === revision &&
      workers.catalogue.status().revision === revision,
    { timeoutMs: 5000, what: `revision ${revision} used by the gateway and the worker` },
  );
}

let seq = 0;
/** SF-003 (学位公证) from 四川 for 西藏: delivered by the worker to xz; answers its case id. */
async function deliveredCase(version: number): Promise<string> {
  const res = await gw.client('portal-sc').submitCase<{
    caseId: string;
  }>({ ...validExample('SF-003'), itemVersion: version }, `worker-catalogue-${seq++}`);
  expect(res.status).toBe(202);
  const { caseId } = res.body;
  await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERED', {
    timeoutMs: 5000,
    what: `case ${caseId} delivered`,
  });
  return caseId;
}

/** Has the worker query the province (the clock moved past the silence), awaiting `until`. */
async function queried<T>(
  caseId: string,
  until: (record: CaseRecord) => T | undefined,
): Promise<T> {
  clock.advance(2 * SILENCE_MS);
  return waitFor<T | undefined>(
    async () => {
      const record = await gw.services.store.get(caseId);
      return record ? until(record) : undefined;
    },
    { timeoutMs: 5000, what: `the status query of ${caseId}` },
  ) as Promise<T>;
}

// The notary office's answer for SF-003 from version 2 on (schemas/README.md#result-schemas).
const RESULT_SCHEMA = {
  title: '公证结果',
  description: 'What the notary office answers with `decided`: issued or refused.',
  type: 'object',
  properties: {
    outcome: {
      title: '办理结果',
      description: 'issued 已出具公证书; refused 不予办理.',
      type: 'string',
      enum: ['issued', 'refused'],
    },
    certificateNo: {
      title: '公证书编号',
      type: 'string',
      maxLength: 32,
      pattern: '^[0-9A-Za-z]{6,32}$',
    },
  },
  required: ['outcome'],
  additionalProperties: false,
  examples: [{ outcome: 'issued', certificateNo: 'GZ2027000123' }],
};

function sf003(version: number, change: (item: EditableItem) => void): EditableItem {
  const item = seedDraftItem('SF-003', { code: 'SF-003', version });
  change(item);
  return item;
}

describe('a worker running while the catalogue is published', () => {
  it('delivers a case of an item version published after it started under that version’s name, and applies a status query’s result only when that version’s result schema accepts it', async () => {
    const v2 = sf003(2, (item) => {
      item.name = '学位证书公证';
      item.schema.resultSchema = RESULT_SCHEMA;
    });
    const { revision, version } = await publishDirect(redis, gw.config.keyPrefix, 'SF-003', v2);
    expect(version).toBe(2);
    await bothAt(revision);

    const caseId = await deliveredCase(2);
    expect(delivered.get(caseId)?.service).toMatchObject({ name: '学位证书公证', version: 2 });

    const issued = { outcome: 'issued', certificateNo: 'GZ2027000123' };
    clock.set('2027-03-01T06:00:00Z');
    statusEvents.set(caseId, [
      { type: 'accepted', time: '2027-03-01T03:00:00Z', message: '已受理' },
      // An untyped approval: version 2's result schema refuses it (version 1 declared none).
      { type: 'decided', time: '2027-03-01T04:00:00Z', decision: { decision: 'approved' } },
      { type: 'decided', time: '2027-03-01T05:00:00Z', decision: issued },
    ]);
    const decided = await queried(caseId, (r) => (r.status === 'DECIDED' ? r : undefined));
    expect(gw.services.store.openResult(decided)).toEqual(issued);
    const history = await gw.services.store.history(caseId);
    expect(history.filter((h) => h.status === 'DECIDED')).toEqual([
      {
        at: '2027-03-01T05:00:00Z',
        status: 'DECIDED',
        actor: 'adapter:xz',
        note: 'status query',
      },
    ]);
  });

  it('moves a resumed case’s due date past a holiday of a calendar year published after it started', async () => {
    const caseId = await deliveredCase(2);
    const submitted = await readCase<{ dueAt: string; calendarAssumed: boolean }>(gw, caseId);
    // 15 working days from Monday 1 March 2027, counted Monday to Friday: 2027 is not known yet.
    expect(submitted).toMatchObject({ dueAt: '2027-03-22T15:59:59.000Z', calendarAssumed: true });

    const revision = await publishCalendarDirect(redis, gw.config.keyPrefix, {
      year: 2027,
      holidays: ['2027-03-23'],
      extraWorkingDays: [],
    });
    await bothAt(revision);

    // Paused Tuesday and Wednesday (2 working days): due 2 working days after 22 March, which is
    // 24 March counted Monday to Friday and 25 March with the published holiday on the 23rd.
    clock.set('2027-03-05T02:00:00Z');
    statusEvents.set(caseId, [
      { type: 'accepted', time: '2027-03-01T07:00:00Z' },
      { type: 'correction-required', time: '2027-03-02T02:00:00Z', message: '请补正材料' },
      { type: 'resumed', time: '2027-03-04T02:00:00Z' },
    ]);
    const resumed = await queried(caseId, (r) =>
      r.status === 'IN_PROGRESS' && r.pausedDays ? r : undefined,
    );
    expect(resumed).toMatchObject({ pausedDays: 2, dueAt: '2027-03-25T15:59:59.000Z' });
  });

  it('has its 督办 pass count a working day of a calendar year republished after the case was submitted', async () => {
    // 15 working days from Friday 5 March, the 23rd a holiday: due Monday 29 March. The warning
    // falls 3 working days before: Wednesday the 24th, or Thursday the 25th once Saturday the
    // 27th is a working day (调休).
    const caseId = await deliveredCase(2);
    expect((await readCase<{ dueAt: string }>(gw, caseId)).dueAt).toBe('2027-03-29T15:59:59.000Z');
    const revision = await publishCalendarDirect(redis, gw.config.keyPrefix, {
      year: 2027,
      holidays: ['2027-03-23'],
      extraWorkingDays: ['2027-03-27'],
    });
    await bothAt(revision);

    clock.set('2027-03-25T02:00:00Z');
    const board = redisKeys(gw.config.keyPrefix, gw.config.redisShards).shardOf(caseId).supervision;
    const nextLook = await waitFor(
      async () => {
        const score = Number(await redis.zscore(board.due, `case:${caseId}`));
        return score > clock.ms() ? score : undefined;
      },
      { timeoutMs: 8000, what: 'the worker’s 督办 pass over the case' },
    );
    // Looked at past the 24th, the warning is not due: the next look is the end of the 25th.
    expect(new Date(nextLook!).toISOString()).toBe('2027-03-25T15:59:59.000Z');
    const view = await readCase<{ flags: { warning: boolean } }>(gw, caseId);
    expect(view.flags.warning).toBe(false);
  });

  it('keeps the last good revision when a published version’s result schema does not compile, says why in its status and log, and goes on judging results with the last good schemas', async () => {
    const good = workers.catalogue.status().revision;
    const v3 = sf003(3, (item) => {
      item.name = '学位证书公证第三版';
      // A string without maxLength: the schema rules refuse it (gateway/README.md#body-checks).
      item.schema.resultSchema = {
        ...RESULT_SCHEMA,
        properties: { ...RESULT_SCHEMA.properties, note: { title: '备注', type: 'string' } },
      };
    });
    const { revision } = await publishDirect(redis, gw.config.keyPrefix, 'SF-003', v3);
    expect(revision).toBeGreaterThan(good);
    const status = (await waitFor(
      () => {
        const s = workers.catalogue.status();
        return s.current ? undefined : s;
      },
      { timeoutMs: 5000, what: 'the worker’s catalogue behind' },
    )) as CatalogueStatus;
    expect(status.revision).toBe(good);
    expect(status.problems?.join('\n')).toMatch(/SF-003 v3: .*resultSchema/);
    expect(
      workerLog.lines().some((l) => l.msg === 'catalogue reload failed' && l.revision === good),
    ).toBe(true);

    // Version 2 stays the latest it knows, and its result schema still judges results.
    expect(workers.catalogue.current.itemName('SF-003')).toBe('学位证书公证');
    const caseId = await deliveredCase(2);
    const at = (minutes: number) => new Date(clock.ms() + minutes * 60_000).toISOString();
    const refusedResult = { outcome: 'refused' };
    statusEvents.set(caseId, [
      { type: 'accepted', time: at(1) },
      { type: 'decided', time: at(2), decision: { decision: 'approved' } },
      { type: 'decided', time: at(3), decision: refusedResult },
    ]);
    clock.advance(10 * 60_000);
    const decided = await queried(caseId, (r) => (r.status === 'DECIDED' ? r : undefined));
    expect(gw.services.store.openResult(decided)).toEqual(refusedResult);
  });
});
