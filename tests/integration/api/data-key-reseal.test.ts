// Retiring a data key (gateway/README.md#key-rotation): cases, a delivery failure reason, an
// evaluation comment, a re-rating comment and history notes (a province's event note, a clerk's, a
// failed delivery's) and a status callback's job (the decided case's result, sealed in the job to
// post) sealed under k1, and a status callback's job of the previous version (the result in clear
// in it), read by a gateway listing `k2,k1` (k2 current). The census
// counts what each key seals, each page audited with its counts; the re-seal moves every envelope,
// result, failure reason, comment, note and callback result under k2 and seals a result, a failure
// reason and a callback job's result stored in clear, and the cases and the rectification read the same and the cases
// still open for delivery; a case under a key not listed is reported and left untouched; a gateway
// listing only k2 then reads everything. The re-seal is a compare-and-set per case: a write between
// its read and its replace wins. Bad cursors and limits are 400 with a pointer, and an operator
// without the data-keys right is refused and audited. Real gateways and Redis on one key prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CensusAnswer, ResealAnswer } from '../../../gateway/admin/data-keys.ts';
import type { AuditEntry } from '../../../gateway/audit/audit-log.ts';
import { CASE_SCRIPTS } from '../../../gateway/cases/case-scripts.ts';
import {
  openCallbackResult,
  sealCallbackResult,
} from '../../../gateway/callbacks/callback-result.ts';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { generateDataKeys, loadDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { createSealer, sealedKeyId } from '../../../gateway/personal-data/sealed-data.ts';
import { provinceOfRectification } from '../../../gateway/rectifications/rectification-record.ts';
import { runScript } from '../../../gateway/shared/lua-script.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit as submitFlow } from '../../support/case-flow.ts';
import {
  evaluate,
  readRectification,
  reRate,
  rectificationEvent,
} from '../../support/evaluation-flow.ts';
import { paidResult } from '../../support/payment-results.ts';
import { ownRedis, plainRedis, uniquePrefix } from '../../support/redis.ts';

const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
const LOST = generateDataKeys('k0');
const idOf = (keys: string) => keys.split(':')[0]!;
const prefix = uniquePrefix('reseal');
const keys = redisKeys(prefix);
// The census walks every key of its Redis: this file's own, not the run's shared one.
const own = await ownRedis('reseal');
afterAll(() => own.stop());
const redis = plainRedis(own.url);
const open: ApiGateway[] = [];

async function gateway(dataKeys: string): Promise<ApiGateway> {
  const gw = await startApiGateway(
    { REDIS_URL: own.url, GW_KEY_PREFIX: prefix, GW_DATA_KEYS: dataKeys },
    { relay: false },
  );
  open.push(gw);
  return gw;
}

let seq = 0;
async function submit(gw: ApiGateway): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `reseal-${Date.now()}-${seq++}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

async function decide(
  gw: ApiGateway,
  caseId: string,
  result: unknown,
  note?: string,
): Promise<void> {
  const res = await gw.client('province-yn').request('POST', `/v1/cases/${caseId}/events`, {
    json: { type: 'decided', at: new Date().toISOString(), result, ...(note ? { note } : {}) },
  });
  expect(res.status).toBe(200);
}

const envelopeKeyId = async (caseId: string) =>
  sealedKeyId((await redis.getBuffer(keys.envelope(caseId)))!);
/** The key ids of the sealed notes of a history list. */
const noteKeyIds = async (list: string) =>
  (await redis.lrange(list, 0, -1))
    .map((e) => (JSON.parse(e) as { sealedNote?: string }).sealedNote)
    .filter((n) => n !== undefined)
    .map((n) => sealedKeyId(Buffer.from(n, 'base64')));
const resultKeyId = async (caseId: string) =>
  sealedKeyId(Buffer.from((await redis.hget(keys.case(caseId), 'sealedResult'))!, 'base64'));
const failureReasonKeyId = async (caseId: string) =>
  sealedKeyId(Buffer.from((await redis.hget(keys.case(caseId), 'sealedFailureReason'))!, 'base64'));
/** A status callback's job as BullMQ keeps it: `data`, the JSON the callbacks worker reads. */
const callbackData = async (jobKey: string) =>
  JSON.parse((await redis.hget(jobKey, 'data'))!) as {
    caseId: string;
    sequence: number;
    sealedResult: string;
  };
const sealerOf = (dataKeys: string) => createSealer(loadDataKeys({ env: 'test', dataKeys }));

/** Records the delivery of a ROUTED case failed for good, with `reason`. */
async function failDelivery(gw: ApiGateway, caseId: string, reason: string): Promise<void> {
  const record = await gw.services.store.get(caseId);
  if (record?.kind !== 'single') throw new Error(`${caseId} is not a single case`);
  const moved = await recordDeliveryFailed(gw.services.store, record, { adapterId: 'yn', reason });
  expect(moved.ok).toBe(true);
}

/** The dead-letter reasons an operator with unmask reads, by case id. */
async function deadLetterReasons(gw: ApiGateway): Promise<Record<string, string | undefined>> {
  const res = await gw
    .client('operator-dev')
    .request<{ items: { caseId: string; reason?: string }[] }>('GET', '/v1/admin/dead-letters');
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.items.map((d) => [d.caseId, d.reason]));
}

/** Every page of the census, summed, as the CLI does. */
async function census(gw: ApiGateway, limit = 1000) {
  const sum = {
    cases: 0,
    envelopes: {} as Record<string, number>,
    results: {} as Record<string, number>,
    comments: {} as Record<string, number>,
    notes: {} as Record<string, number>,
    failureReasons: {} as Record<string, number>,
    callbackResults: {} as Record<string, number>,
    clearResults: 0,
    clearFailureReasons: 0,
    clearCallbackResults: 0,
    pages: 0,
  };
  let cursor: string | null | undefined;
  do {
    const res = await gw
      .client('operator-dev')
      .request<CensusAnswer>(
        'GET',
        `/v1/admin/data-keys/census?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
    expect(res.status).toBe(200);
    sum.pages += 1;
    sum.cases += res.body.cases;
    sum.clearResults += res.body.clearResults;
    sum.clearFailureReasons += res.body.clearFailureReasons;
    sum.clearCallbackResults += res.body.clearCallbackResults;
    for (const [into, from] of [
      [sum.envelopes, res.body.envelopes],
      [sum.results, res.body.results],
      [sum.comments, res.body.comments],
      [sum.notes, res.body.notes],
      [sum.failureReasons, res.body.failureReasons],
      [sum.callbackResults, res.body.callbackResults],
    ] as const)
      for (const [id, n] of Object.entries(from)) into[id] = (into[id] ?? 0) + n;
    cursor = res.body.nextCursor;
  } while (cursor);
  return sum;
}

/** Every entry of the audit chain with this action, oldest first. */
async function auditEntries(action: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await rotated.services.audit.page({ limit: 200, action, after });
    entries.push(...page.items);
    if (page.nextCursor === null) return entries;
    after = Number(page.nextCursor);
  }
}

async function reseal(gw: ApiGateway, limit = 1000) {
  const pages: ResealAnswer[] = [];
  let cursor: string | null | undefined;
  do {
    const res = await gw
      .client('operator-dev')
      .request<ResealAnswer>(
        'POST',
        `/v1/admin/data-keys/reseal?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor);
  return {
    pages,
    envelopes: pages.reduce((n, p) => n + p.resealed.envelopes, 0),
    results: pages.reduce((n, p) => n + p.resealed.results, 0),
    comments: pages.reduce((n, p) => n + p.resealed.comments, 0),
    notes: pages.reduce((n, p) => n + p.resealed.notes, 0),
    failureReasons: pages.reduce((n, p) => n + p.resealed.failureReasons, 0),
    callbackResults: pages.reduce((n, p) => n + p.resealed.callbackResults, 0),
    sealedClearResults: pages.reduce((n, p) => n + p.sealedClearResults, 0),
    sealedClearFailureReasons: pages.reduce((n, p) => n + p.sealedClearFailureReasons, 0),
    sealedClearCallbackResults: pages.reduce((n, p) => n + p.sealedClearCallbackResults, 0),
    unreadable: pages.flatMap((p) => p.unreadable),
    changed: pages.flatMap((p) => p.changed),
  };
}

const views = new Map<string, unknown>();
async function view(gw: ApiGateway, caseId: string, reader = 'portal-sc') {
  const res = await gw.client(reader).getCase(caseId);
  expect(res.status).toBe(200);
  return res.body;
}

let plain: string[]; // envelope only, under k1
let decided: string; // envelope and sealed result under k1
let legacy: string; // envelope under k1, result in clear
let lost: string; // envelope under a key no gateway lists any more
let lostBytes: Buffer;
let rated: string; // a closed SF-009 case rated 差评 with a comment: its rectification re-rated
let failed: string; // a dead letter: its failure reason and the failure's note sealed under k1
let clearFailed: string; // a dead letter whose failure reason is stored in clear (a legacy one)
let rectificationId: string;
let rectificationView: unknown;
let callbackJob: string; // the decided case's status callback: its job hash, the result sealed in it
let clearCallbackJob: string; // the legacy case's, queued by the previous version: the result in clear
const paid = paidResult();
const NOTE = '申请人张三 身份证 510104199001011234，电话 13800138000';
const accountNo = (paid.account as { accountNo: string }).accountNo;
const FAILURE = 'refused: 申请人 身份证 510104199001011234 与登记不符';
const CLEAR_FAILURE = 'refused: 申请人 身份证 110101198503071236 与登记不符';
let rotated: ApiGateway;

beforeAll(async () => {
  const gone = await gateway(LOST);
  lost = await submit(gone);
  const accepted = await gone.client('province-yn').request('POST', `/v1/cases/${lost}/events`, {
    json: { type: 'accepted', at: new Date().toISOString(), note: 'under a key no longer listed' },
  });
  expect(accepted.status).toBe(200);
  lostBytes = (await redis.getBuffer(keys.envelope(lost)))!;
  await gone.close();

  const old = await gateway(K1);
  plain = [await submit(old), await submit(old), await submit(old)];
  decided = await submit(old);
  await decide(old, decided, paid, NOTE);
  // Its portal's status callback, queued as a gateway under k1 queues it (no worker posts it here).
  await old.services.callbacks.enqueue({
    caseId: decided,
    clientId: 'portal-sc',
    url: 'https://portal-sc.example/callbacks',
    status: 'DECIDED',
    sequence: 2,
    at: new Date().toISOString(),
    sealedResult: sealCallbackResult(sealerOf(K1), { caseId: decided, sequence: 2 }, paid),
  });
  callbackJob = `${keys.queuePrefix(CALLBACK_QUEUE)}:${CALLBACK_QUEUE}:status-${decided}-2`;
  expect(await redis.hget(callbackJob, 'data')).toContain('"sealedResult"');
  rated = (await submitFlow(old)).caseId;
  await close(old, 'province-yn', rated, new Date().toISOString());
  const evaluation = await evaluate(old, rated, {
    level: 2,
    rated: 'handling',
    comment: '材料退了三次，电话 13759812345',
  });
  expect(evaluation.status).toBe(201);
  rectificationId = evaluation.body.rectification!.id;
  await rectificationEvent(old, rectificationId, 'visited');
  await rectificationEvent(old, rectificationId, 'rectified');
  expect((await reRate(old, rectificationId, { level: 4, comment: '满意' })).status).toBe(200);
  rectificationView = (await readRectification(old, rectificationId)).body;
  expect(rectificationView).toMatchObject({ reRating: { comment: '满意' } });
  legacy = await submit(old);
  // What a gateway before sealed results wrote for a decided event: the JSON, in `result`.
  await redis.hset(keys.case(legacy), 'status', 'DECIDED', 'result', JSON.stringify(paid));
  // And its status callback as a gateway of the previous version queued it: the result in clear.
  await old.services.callbacks.enqueue({
    caseId: legacy,
    clientId: 'portal-sc',
    url: 'https://portal-sc.example/callbacks',
    status: 'DECIDED',
    sequence: 2,
    at: new Date().toISOString(),
    result: paid,
  });
  clearCallbackJob = `${keys.queuePrefix(CALLBACK_QUEUE)}:${CALLBACK_QUEUE}:status-${legacy}-2`;
  expect(await redis.hget(clearCallbackJob, 'data')).toContain(accountNo);
  failed = await submit(old);
  await failDelivery(old, failed, FAILURE);
  clearFailed = await submit(old);
  await failDelivery(old, clearFailed, 'refused');
  // What a gateway before sealed failure reasons wrote: the text in `failureReason`.
  await redis.hdel(keys.case(clearFailed), 'sealedFailureReason');
  await redis.hset(keys.case(clearFailed), 'failureReason', CLEAR_FAILURE);
  expect(await deadLetterReasons(old)).toMatchObject({
    [failed]: FAILURE,
    [clearFailed]: CLEAR_FAILURE,
  });
  for (const id of [...plain, decided, legacy, rated, failed, clearFailed]) {
    views.set(id, await view(old, id));
    views.set(`operator:${id}`, await view(old, id, 'operator-dev'));
  }
  expect(views.get(`operator:${rated}`)).toMatchObject({
    evaluations: [expect.objectContaining({ comment: '材料退了三次，电话 13759812345' })],
  });
  await old.close();
  rotated = await gateway(`${K2},${K1}`);
}, 60_000);

afterAll(async () => {
  for (const gw of open.reverse()) await gw.close().catch(() => undefined);
  redis.disconnect();
});

describe('a data key retired by census and re-seal', () => {
  it('counts by key id what envelopes, results, failure reasons, comments, history notes and callback jobs’ results are sealed under, the ones in clear apart, over pages', async () => {
    const before = await census(rotated);
    expect(before.envelopes).toEqual({ [idOf(K1)]: 8, [idOf(LOST)]: 1 });
    expect(before.results).toEqual({ [idOf(K1)]: 2 });
    // The decided case's province note, the rectification's two clerk notes, the two failures'
    // notes; the lost case's note.
    expect(before.notes).toEqual({ [idOf(K1)]: 5, [idOf(LOST)]: 1 });
    expect(before.clearResults).toBe(1);
    expect(before.failureReasons).toEqual({ [idOf(K1)]: 1 });
    expect(before.clearFailureReasons).toBe(1);
    expect(before.comments).toEqual({ [idOf(K1)]: 2 });
    // A key still needed to post a queued or failed callback is counted as needed.
    expect(before.callbackResults).toEqual({ [idOf(K1)]: 1 });
    // The previous version's job, its result in clear, apart.
    expect(before.clearCallbackResults).toBe(1);
    expect(before.cases).toBe(9);
    // A small page walks the same cases in more requests.
    const paged = await census(rotated, 2);
    expect(paged.pages).toBeGreaterThan(1);
    expect(paged.envelopes).toEqual(before.envelopes);
    expect(paged.notes).toEqual(before.notes);
    expect(paged.failureReasons).toEqual(before.failureReasons);
    expect(paged.callbackResults).toEqual(before.callbackResults);
    expect(paged.clearCallbackResults).toBe(1);
  });

  it('audits each census page under the operator with its counts by key id and no content, on a chain that still verifies', async () => {
    const before = (await auditEntries('data-keys.census')).length;
    const walked = await census(rotated, 5);
    const entries = (await auditEntries('data-keys.census')).slice(before);
    expect(entries).toHaveLength(walked.pages);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor: 'operator-dev', target: 'data-keys', outcome: 'ok' });
      expect(entry.reason).toContain(`current ${idOf(K2)}, listed ${idOf(K2)} ${idOf(K1)}:`);
    }
    // The pages' entries hold the counts the pages answered.
    const envelopes: Record<string, number> = {};
    for (const { reason } of entries) {
      const counted = /envelopes ([^,]*)/.exec(reason ?? '')?.[1] ?? '';
      for (const [, id, n] of counted.matchAll(/(\S+) (\d+)/g))
        envelopes[id!] = (envelopes[id!] ?? 0) + Number(n);
    }
    expect(envelopes).toEqual(walked.envelopes);
    const reasons = entries.map((e) => e.reason ?? '').join('\n');
    for (const content of [accountNo, '13800138000', '13759812345', lost, ...plain])
      expect(reasons).not.toContain(content);
    expect(await rotated.services.audit.verify()).toMatchObject({ ok: true });
  });

  it('re-seals every envelope, result, failure reason, comment, history note and callback result under the current key and seals the clear result, failure reason and callback job’s result', async () => {
    const before = await callbackData(callbackJob);
    const clearBefore = JSON.parse((await redis.hget(clearCallbackJob, 'data'))!) as Record<
      string,
      unknown
    >;
    const done = await reseal(rotated);
    expect(done.envelopes).toBe(8);
    expect(done.results).toBe(2);
    expect(done.failureReasons).toBe(1);
    expect(done.comments).toBe(2);
    expect(done.notes).toBe(5);
    expect(done.callbackResults).toBe(1);
    // The job's result is under k2, opens for the callbacks worker where only k2 is listed, and
    // the rest of the job is as it was.
    const job = await callbackData(callbackJob);
    expect(sealedKeyId(Buffer.from(job.sealedResult, 'base64'))).toBe(idOf(K2));
    expect(openCallbackResult(sealerOf(K2), job)).toEqual({ result: paid });
    expect({ ...job, sealedResult: '' }).toEqual({ ...before, sealedResult: '' });
    // The previous version's job: its result sealed under k2 in place of the clear one, the rest
    // of its data as it was.
    expect(done.sealedClearCallbackResults).toBe(1);
    const sealedJob = await callbackData(clearCallbackJob);
    expect(sealedJob).not.toHaveProperty('result');
    expect(sealedKeyId(Buffer.from(sealedJob.sealedResult, 'base64'))).toBe(idOf(K2));
    expect(openCallbackResult(sealerOf(K2), sealedJob)).toEqual({ result: paid });
    const { result: _clear, ...clearRest } = clearBefore;
    expect({ ...sealedJob, sealedResult: undefined }).toEqual({
      ...clearRest,
      sealedResult: undefined,
    });
    expect(await redis.hget(clearCallbackJob, 'data')).not.toContain(accountNo);
    expect(await noteKeyIds(keys.history(decided))).toEqual([idOf(K2)]);
    expect(await noteKeyIds(keys.history(failed))).toEqual([idOf(K2)]);
    expect(await failureReasonKeyId(failed)).toBe(idOf(K2));
    expect(done.sealedClearFailureReasons).toBe(1);
    expect(await failureReasonKeyId(clearFailed)).toBe(idOf(K2));
    const rawFailed = await redis.hgetall(keys.case(clearFailed));
    expect(rawFailed).not.toHaveProperty('failureReason');
    expect(Object.values(rawFailed).join('\n')).not.toContain('110101198503071236');
    expect(
      await noteKeyIds(
        keys
          .rating(provinceOfRectification(rectificationId)!)
          .rectificationHistory(rectificationId),
      ),
    ).toEqual([idOf(K2), idOf(K2)]);
    expect(done.sealedClearResults).toBe(1);
    expect(done.changed).toEqual([]);
    for (const id of [...plain, decided, legacy, rated, failed, clearFailed])
      expect(await envelopeKeyId(id)).toBe(idOf(K2));
    expect(await resultKeyId(decided)).toBe(idOf(K2));
    expect(await resultKeyId(legacy)).toBe(idOf(K2));
    const raw = await redis.hgetall(keys.case(legacy));
    expect(raw.result).toBe('null');
    expect(Object.values(raw).join('\n')).not.toContain(accountNo);

    const after = await census(rotated);
    expect(after.envelopes).toEqual({ [idOf(K2)]: 8, [idOf(LOST)]: 1 });
    expect(after.results).toEqual({ [idOf(K2)]: 3 });
    expect(after.clearResults).toBe(0);
    expect(after.failureReasons).toEqual({ [idOf(K2)]: 2 });
    expect(after.clearFailureReasons).toBe(0);
    expect(after.comments).toEqual({ [idOf(K2)]: 2 });
    expect(after.notes).toEqual({ [idOf(K2)]: 5, [idOf(LOST)]: 1 });
    expect(after.callbackResults).toEqual({ [idOf(K2)]: 2 });
    expect(after.clearCallbackResults).toBe(0);
  });

  it('reports a case under a key not listed and leaves its bytes as they were', async () => {
    const again = await reseal(rotated);
    expect(again.unreadable).toEqual([
      { id: lost, record: 'envelope', problem: 'unknown-key', keyId: idOf(LOST) },
      { id: lost, record: 'history-note', problem: 'unknown-key', keyId: idOf(LOST) },
    ]);
    expect(await redis.getBuffer(keys.envelope(lost))).toEqual(lostBytes);
    // Idempotent: nothing left to re-seal.
    expect([
      again.envelopes,
      again.results,
      again.comments,
      again.notes,
      again.failureReasons,
      again.callbackResults,
      again.sealedClearResults,
      again.sealedClearFailureReasons,
      again.sealedClearCallbackResults,
    ]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('leaves the cases and dead-letter reasons reading the same, masked and unmasked, and opening for delivery', async () => {
    expect(await deadLetterReasons(rotated)).toMatchObject({
      [failed]: FAILURE,
      [clearFailed]: CLEAR_FAILURE,
    });
    for (const id of [...plain, decided, legacy, rated, failed, clearFailed]) {
      expect(await view(rotated, id)).toEqual(views.get(id));
      expect(await view(rotated, id, 'operator-dev')).toEqual(views.get(`operator:${id}`));
      const delivery = await rotated.services.store.getForDelivery(id);
      expect(await delivery?.openEnvelope()).toEqual(
        validExample(id === rated ? 'SF-009' : 'SW-005'),
      );
    }
    expect((await readRectification(rotated, rectificationId)).body).toEqual(rectificationView);
  });

  it('lets a gateway that lists only the new key read every re-sealed case', async () => {
    const only = await gateway(K2);
    for (const id of [...plain, decided, legacy, rated, failed, clearFailed]) {
      expect(await view(only, id, 'operator-dev')).toEqual(views.get(`operator:${id}`));
    }
    expect(await deadLetterReasons(only)).toMatchObject({
      [failed]: FAILURE,
      [clearFailed]: CLEAR_FAILURE,
    });
    expect((await readRectification(only, rectificationId)).body).toEqual(rectificationView);
    const census = await only
      .client('operator-dev')
      .request<CensusAnswer>('GET', '/v1/admin/data-keys/census?limit=1000');
    expect(census.body).toMatchObject({ currentKeyId: idOf(K2), listedKeyIds: [idOf(K2)] });
  });

  it('audits each page under the operator with its counts and no content', async () => {
    const entries: AuditEntry[] = (
      await rotated.services.audit.page({ limit: 200, action: 'data-keys.reseal' })
    ).items;
    expect(entries.length).toBeGreaterThan(0);
    const first = entries[0]!;
    expect(first).toMatchObject({ actor: 'operator-dev', target: 'data-keys', outcome: 'ok' });
    const reasons = entries.map((e) => e.reason ?? '').join('\n');
    expect(reasons).toContain(
      '8 envelopes, 2 results, 1 failure reasons, 2 comments, 5 notes and 1 callback results re-sealed, 1 clear results, 1 clear failure reasons and 1 clear callback results sealed',
    );
    expect(reasons).toContain(`${lost} envelope unknown-key ${idOf(LOST)}`);
    expect(reasons).not.toContain(accountNo);
    expect(reasons).not.toContain('13800138000');
    expect(reasons).not.toContain('510104199001011234');
  });
});

describe('the compare-and-set of a case', () => {
  it('does not overwrite a result written between its read and its replace', async () => {
    const old = await gateway(K1);
    const caseId = await submit(old);
    await decide(old, caseId, paid);
    const records = rotated.services.store.sealedRecords;
    const read = await records.read(caseId);
    // The province's next result lands (sealed under k2) before the re-seal writes.
    const res = await rotated.client('province-yn').request('POST', `/v1/cases/${caseId}/events`, {
      json: { type: 'result-delivered', at: new Date().toISOString(), result: paidResult() },
    });
    expect(res.status).toBe(200);
    const written = await redis.hget(keys.case(caseId), 'sealedResult');
    const verdict = await records.replace(caseId, {
      sealedResult: { read: read.sealedResult!, sealed: 'stale' },
      envelope: { read: read.envelope!, sealed: Buffer.from('stale') },
    });
    expect(verdict).toBe('changed:result');
    expect(await redis.hget(keys.case(caseId), 'sealedResult')).toBe(written);
    // Nothing of the step is written: the envelope is the one read, still under k1.
    expect(await redis.getBuffer(keys.envelope(caseId))).toEqual(read.envelope);
  });

  it('does not overwrite an envelope changed since it was read', async () => {
    const caseId = await submit(rotated);
    const records = rotated.services.store.sealedRecords;
    const read = await records.read(caseId);
    const other = Buffer.from(read.envelope!);
    other[other.length - 1]! ^= 1;
    await redis.set(keys.envelope(caseId), other);
    expect(
      await records.replace(caseId, {
        envelope: { read: read.envelope!, sealed: Buffer.from('x') },
      }),
    ).toBe('changed:envelope');
    expect(await redis.getBuffer(keys.envelope(caseId))).toEqual(other);
  });

  it('does not seal a clear result over a sealed one a move wrote meanwhile', async () => {
    const caseId = await submit(rotated);
    await redis.hset(keys.case(caseId), 'status', 'DECIDED', 'result', JSON.stringify(paid));
    const records = rotated.services.store.sealedRecords;
    const read = await records.read(caseId);
    expect(read.clearResult).toBe(JSON.stringify(paid));
    await redis.hset(keys.case(caseId), 'sealedResult', 'from-a-move');
    expect(
      await records.replace(caseId, { clearResult: { read: read.clearResult!, sealed: 'x' } }),
    ).toBe('changed:result');
    expect(await redis.hget(keys.case(caseId), 'sealedResult')).toBe('from-a-move');
  });

  it('does not overwrite a failure reason changed between its read and its replace', async () => {
    const old = await gateway(K1);
    const caseId = await submit(old);
    await failDelivery(old, caseId, 'refused: first');
    const records = rotated.services.store.sealedRecords;
    const read = await records.read(caseId);
    // What a replay and a second failure write meanwhile: another sealed reason.
    await redis.hset(keys.case(caseId), 'sealedFailureReason', 'from-a-later-failure');
    const verdict = await records.replace(caseId, {
      sealedFailureReason: { read: read.sealedFailureReason!, sealed: 'stale' },
    });
    expect(verdict).toBe('changed:failure-reason');
    expect(await redis.hget(keys.case(caseId), 'sealedFailureReason')).toBe('from-a-later-failure');
  });

  it('does not seal a clear failure reason over a sealed one a failure wrote meanwhile', async () => {
    const caseId = await submit(rotated);
    await redis.hset(keys.case(caseId), 'status', 'DELIVERY_FAILED', 'failureReason', 'refused');
    const records = rotated.services.store.sealedRecords;
    const read = await records.read(caseId);
    expect(read.clearFailureReason).toBe('refused');
    await redis.hset(keys.case(caseId), 'sealedFailureReason', 'from-a-move');
    expect(
      await records.replace(caseId, {
        clearFailureReason: { read: read.clearFailureReason!, sealed: 'x' },
      }),
    ).toBe('changed:failure-reason');
    expect(await redis.hmget(keys.case(caseId), 'sealedFailureReason', 'failureReason')).toEqual([
      'from-a-move',
      'refused',
    ]);
  });

  it('does not overwrite a history note entry changed since it was read (reseal-list-entry.lua)', async () => {
    const caseId = await submit(rotated);
    const list = keys.history(caseId);
    await redis.rpush(list, JSON.stringify({ at: 'a', status: 'IN_PROGRESS', sealedNote: 'one' }));
    const read = (await redis.lindex(list, 0))!;
    const changed = JSON.stringify({ at: 'a', status: 'IN_PROGRESS', sealedNote: 'two' });
    await redis.lset(list, 0, changed);
    const stale = await runScript(redis, CASE_SCRIPTS.resealListEntry, [list], [0, read, 'x']);
    expect(stale).toBe('changed');
    expect(await redis.lindex(list, 0)).toBe(changed);
    const fresh = await runScript(redis, CASE_SCRIPTS.resealListEntry, [list], [0, changed, 'x']);
    expect(fresh).toBe('ok');
    expect(await redis.lindex(list, 0)).toBe('x');
  });

  it('keeps the envelope key’s time to live', async () => {
    const caseId = await submit(rotated);
    await redis.expire(keys.envelope(caseId), 5000);
    const records = rotated.services.store.sealedRecords;
    const read = await records.read(caseId);
    expect(
      await records.replace(caseId, { envelope: { read: read.envelope!, sealed: read.envelope! } }),
    ).toBe('ok');
    expect(await redis.ttl(keys.envelope(caseId))).toBeGreaterThan(4000);
  });
});

describe('refusals', () => {
  it("answers a cursor it did not give out, or one past SCAN's 64 bits, 400 GW_INVALID_PARAMETER at /query/cursor", async () => {
    for (const [method, path] of [
      ['GET', '/v1/admin/data-keys/census?cursor=bm90LWEtY3Vyc29y'],
      ['POST', '/v1/admin/data-keys/reseal?cursor=bm90LWEtY3Vyc29y'],
      ['GET', '/v1/admin/data-keys/census?cursor=a%2Fb'],
      // Well formed, but past SCAN's unsigned 64 bits: Redis itself would refuse it.
      ['GET', `/v1/admin/data-keys/census?cursor=${b64('0:18446744073709551616')}`],
      ['POST', `/v1/admin/data-keys/reseal?cursor=${b64('0:99999999999999999999')}`],
    ] as const) {
      const res = await rotated.client('operator-dev').request(method, path);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'GW_INVALID_PARAMETER',
        errors: [expect.objectContaining({ path: '/query/cursor' })],
      });
    }
  });

  it('answers a limit out of 1–1000 400 GW_INVALID_PARAMETER at /query/limit', async () => {
    for (const limit of ['0', '1001', 'ten']) {
      const res = await rotated
        .client('operator-dev')
        .request('POST', `/v1/admin/data-keys/reseal?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'GW_INVALID_PARAMETER',
        errors: [expect.objectContaining({ path: '/query/limit' })],
      });
    }
  });

  it('refuses an operator without the data-keys right, and audits the refusal', async () => {
    for (const [method, path, action] of [
      ['GET', '/v1/admin/data-keys/census', 'data-keys.census'],
      ['POST', '/v1/admin/data-keys/reseal', 'data-keys.reseal'],
    ] as const) {
      const res = await rotated.client('operator-readonly').request(method, path);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'GW_FORBIDDEN' });
      const entries = (await rotated.services.audit.page({ limit: 200, action })).items;
      expect(entries).toContainEqual(
        expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }),
      );
    }
    const portal = await rotated.client('portal-sc').request('GET', '/v1/admin/data-keys/census');
    expect(portal.status).toBe(403);
  });
});

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
