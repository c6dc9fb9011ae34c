// A result found by a status query (gateway/README.md#silence-reconciliation) is held to its
// result schema's cross-field rules as a posted one is (schemas/README.md#result-rules): one that
// breaks a rule — issued after today on the worker's clock, for another country than the case
// submitted — is not applied and not stored as the case's result; the case stays where it was,
// and the next query's corrected result is applied. Real gateway and worker on the test Redis,
// 藏易通 (xz) faked at the network with nock, one injected clock for both.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { XZ_APPLICATIONS_PATH } from '../../adapters/xz/xz-wire.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { publishDirect, seedDraftItem } from '../support/catalogue.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
import { testClock } from '../support/test-clock.ts';
import { memoryLogger } from '../support/test-gateway.ts';

const XZ = 'http://xz.result-rules-query.test';
const SILENCE_MS = 1000;
const clock = testClock('2027-03-01T02:00:00Z');
const redis = plainRedis();
const workerLog = memoryLogger('info');
const statusEvents = new Map<string, Record<string, unknown>[]>();

// SF-003 (学位公证) version 2 types the notary office's answer and ties it to the case.
const RESULT_SCHEMA = {
  title: '公证结果',
  description: 'What the notary office answers with `decided`.',
  type: 'object',
  properties: {
    outcome: { title: '办理结果', type: 'string', enum: ['issued', 'refused'] },
    issuedOn: { title: '出具日期', $ref: '../defs.schema.json#/$defs/date' },
    destinationCountry: { title: '使用国家或地区', type: 'string', maxLength: 50 },
  },
  required: ['outcome', 'issuedOn', 'destinationCountry'],
  additionalProperties: false,
  crossFieldRules: [
    { rule: 'not-after-today', date: '/result/issuedOn' },
    { rule: 'equals', value: '/result/destinationCountry', other: '/payload/destinationCountry' },
  ],
  examples: [{ outcome: 'issued', issuedOn: '2027-03-01', destinationCountry: '新加坡' }],
};

let gw: ApiGateway;
let workers: RunningWorkers;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(XZ)
    .persist()
    .post(/.*/)
    .reply(async (request: Request) => {
      const body = JSON.parse(await request.text()) as { businessNo: string };
      return [202, { ticket: `XZ-${body.businessNo.slice(-6)}` }];
    })
    .get((path: string) => path.startsWith(`${XZ_APPLICATIONS_PATH}/`))
    .reply((request: Request) => {
      const { pathname } = new URL(request.url);
      const caseId = decodeURIComponent(pathname.slice(XZ_APPLICATIONS_PATH.length + 1));
      const events = statusEvents.get(caseId) ?? [];
      return [
        200,
        { businessNo: caseId, ticket: `XZ-${caseId.slice(-6)}`, status: 'QUEUED', events },
      ];
    });
  gw = await startApiGateway(
    { GW_PROVINCE_SILENCE_MS: String(SILENCE_MS) },
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

/** The worker's `status query answered` lines for the case, oldest first. */
function answers(caseId: string): Record<string, unknown>[] {
  return workerLog.lines().filter((l) => l.msg === 'status query answered' && l.caseId === caseId);
}

/** Moves the clock past the silence and waits for the worker's next answer about the case. */
async function queried(caseId: string): Promise<Record<string, unknown>> {
  const seen = answers(caseId).length;
  clock.advance(2 * SILENCE_MS);
  return waitFor<Record<string, unknown> | undefined>(() => answers(caseId)[seen], {
    timeoutMs: 5000,
    what: `status query ${seen + 1} of ${caseId}`,
  }) as Promise<Record<string, unknown>>;
}

describe('a status-queried result that breaks its result rules', () => {
  it('is not applied nor stored, the case stays IN_PROGRESS, and the next query’s corrected result is applied', async () => {
    const v2 = seedDraftItem('SF-003', { code: 'SF-003', version: 2 });
    v2.schema.resultSchema = RESULT_SCHEMA;
    const { revision, version } = await publishDirect(redis, gw.config.keyPrefix, 'SF-003', v2);
    expect(version).toBe(2);
    await waitFor(
      () =>
        gw.services.catalogue.status().revision === revision &&
        workers.catalogue.status().revision === revision,
      { timeoutMs: 5000, what: `revision ${revision} used by the gateway and the worker` },
    );
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>({ ...validExample('SF-003'), itemVersion: 2 }, 'rr-query-1');
    expect(res.status).toBe(202);
    const { caseId } = res.body;
    await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERED', {
      timeoutMs: 5000,
      what: `case ${caseId} delivered`,
    });

    clock.set('2027-03-01T06:00:00Z'); // 14:00 in China: today is 2027-03-01
    const good = { outcome: 'issued', issuedOn: '2027-03-01', destinationCountry: '新加坡' };
    statusEvents.set(caseId, [
      { type: 'accepted', time: '2027-03-01T03:00:00Z', message: '已受理' },
      {
        type: 'decided',
        time: '2027-03-01T04:00:00Z',
        decision: { ...good, issuedOn: '2027-03-02' },
      },
      {
        type: 'decided',
        time: '2027-03-01T05:00:00Z',
        decision: { ...good, destinationCountry: '日本' },
      },
    ]);
    const first = await queried(caseId);
    expect(first).toMatchObject({ applied: ['accepted'], ignored: 2 });
    const held = (await gw.services.store.get(caseId))!;
    expect(held.status).toBe('IN_PROGRESS');
    expect(held.storedResult).toBeUndefined();
    const history = await gw.services.store.history(caseId);
    expect(history.map((h) => h.status)).not.toContain('DECIDED');

    statusEvents.set(caseId, [
      ...statusEvents.get(caseId)!,
      { type: 'decided', time: '2027-03-01T05:30:00Z', decision: good },
    ]);
    const second = await queried(caseId);
    expect(second).toMatchObject({ applied: ['decided'] });
    const decided = (await gw.services.store.get(caseId))!;
    expect(decided.status).toBe('DECIDED');
    expect(gw.services.store.openResult(decided)).toEqual(good);
  });
});
