// A sweep for personal data where it must not be (gateway/README.md#personal-data): cases whose
// envelopes carry personal values (a proxy case, a joint case, an enterprise's payment), and
// distinctive ID and mobile numbers (seeded, checksum-valid, one pair per place) written into the
// free text that comes from outside — a province's event note, a 差评's comment, a clerk's notes
// on its rectification, the re-rating comment, a delivery failure's reason — and into refused
// bodies (an event note and a comment too long, a submission whose ID number is malformed). Then
// every place is looked at together: the log, every key name, hash field and value in Redis, the
// callbacks the portal received, the answers to clients without `unmask`, /metrics, the
// statistics and the 督办 feeds.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { close, event, readCase, submit, submitJoint } from '../support/case-flow.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { submitDeadLetter } from '../support/dead-letters.ts';
import {
  evaluate,
  readRectification,
  reRate,
  rectificationEvent,
} from '../support/evaluation-flow.ts';
import {
  hashFieldNames,
  inClear,
  keysUnder,
  rawBytes,
  secretsOf,
} from '../support/personal-scan.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
import { testClock } from '../support/test-clock.ts';
import { rng } from './fuzz/prng.ts';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const random = rng(20261205, 0);

/** A checksum-valid ID number of 成都武侯 born in the 1980s, unique to this file's seed. */
function idNumber(): string {
  const body = `510107198${random.int(0, 9)}0${random.int(1, 9)}1${random.int(0, 9)}${random.int(100, 999)}`;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11]!;
}
function mobile(): string {
  return `1${random.pick(['37', '58', '86'])}${String(random.int(10_000_000, 99_999_999))}`;
}

/** One ID number and one mobile per place free text comes from, so a leak says where it came from. */
const places = [
  'event-note',
  'evaluation-comment',
  'visited-note',
  'rectified-note',
  're-rating-comment',
  'failure-reason',
  'refused-event-note',
  'refused-comment',
  'refused-submission',
] as const;
type Place = (typeof places)[number];
const planted = new Map<Place, { id: string; mobile: string }>(
  places.map((p) => [p, { id: idNumber(), mobile: mobile() }]),
);
const said = (p: Place) => `申请人身份证${planted.get(p)!.id}，电话${planted.get(p)!.mobile}`;
const allPlanted = () => [...planted.values()].flatMap((v) => [v.id, v.mobile]);

const clock = testClock('2026-12-04T02:00:00Z');
let gw: ApiGateway;
let redis: Redis;
let receiver: Server;
let callbacks: TestCallbackWorker;
const received: string[] = [];
const envelopeSecrets: string[] = [];
const caseIds: string[] = [];
/** Personal values sent only in refused bodies. */
const sentRefused: string[] = [];
const answers: { what: string; body: string }[] = [];
let rectificationId = '';

function keep(what: string, body: unknown): void {
  answers.push({ what, body: JSON.stringify(body) });
}

beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  redis = plainRedis();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push(raw);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const address = receiver.address();
  const callbackUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
  callbacks = startGatewayCallbackWorker(gw);
  const { registry } = gw.services;
  const personalOf = (code: string, body: unknown) => {
    const item = registry.items().find((i) => i.code === code)!;
    envelopeSecrets.push(...secretsOf(body, registry.compiledItem(code, item.version)!.personal));
  };

  // A proxy case: the province notes the applicant back, decides, closes; a 差评 with its
  // rectification, the clerk's notes and the re-rating, each quoting an ID and a mobile number.
  const at = () => clock.now().toISOString();
  const proxy = await submit(gw, 'SF-009', { callbackUrl });
  personalOf('SF-009', { ...validExample('SF-009'), callbackUrl });
  caseIds.push(proxy.caseId);
  await event(gw, 'province-yn', proxy.caseId, 'accepted', at(), { note: said('event-note') });
  await event(gw, 'province-yn', proxy.caseId, 'decided', at(), {
    result: { decision: 'approved' },
  });
  await event(gw, 'province-yn', proxy.caseId, 'result-delivered', at());
  const rated = await evaluate(gw, proxy.caseId, {
    level: 1,
    rated: 'handling',
    comment: said('evaluation-comment'),
  });
  expect(rated.status, JSON.stringify(rated.body)).toBe(201);
  rectificationId = rated.body.rectification!.id;
  expect(
    (await rectificationEvent(gw, rectificationId, 'visited', said('visited-note'))).status,
  ).toBe(200);
  expect(
    (await rectificationEvent(gw, rectificationId, 'rectified', said('rectified-note'))).status,
  ).toBe(200);
  const reRated = await reRate(gw, rectificationId, {
    level: 2,
    comment: said('re-rating-comment'),
  });
  expect(reRated.status, JSON.stringify(reRated.body)).toBe(200);

  // A joint case and an enterprise's payment, delivered nowhere: their envelopes at rest.
  const joint = await submitJoint(gw);
  personalOf('RS-006', { ...validExample('RS-006'), receivingRegion: '510104' });
  caseIds.push(joint.parentId, joint.cq, joint.chengdu);
  // A dead letter whose province quoted the applicant.
  const dead = await submitDeadLetter(
    gw,
    'SF-009',
    `省级平台拒收：${said('failure-reason')}`,
    'sweep-dead-1',
  );
  caseIds.push(dead.id);

  // Refused bodies: a note and a comment one character too long, a malformed ID number.
  const tooLong = (p: Place) => said(p) + '字'.repeat(501 - [...said(p)].length);
  const refusedEvent = await gw
    .client('province-yn')
    .request('POST', `/v1/cases/${proxy.caseId}/events`, {
      json: { type: 'in-progress', at: at(), note: tooLong('refused-event-note') },
    });
  expect(refusedEvent.status).toBeGreaterThanOrEqual(400);
  keep('refused event (to the province)', refusedEvent.body);
  const second = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', second.caseId, at());
  const refusedComment = await evaluate(gw, second.caseId, {
    level: 1,
    rated: 'handling',
    comment: tooLong('refused-comment'),
  });
  expect(refusedComment.status).toBe(422);
  keep('refused comment (to the portal)', refusedComment.body);
  // The planted number with another check character: refused, and what must not be kept is it.
  const id = planted.get('refused-submission')!.id;
  const wrongId = id.slice(0, 17) + (id.endsWith('0') ? '1' : '0');
  sentRefused.push(wrongId);
  const malformed = structuredClone<Record<string, unknown>>(validExample('SF-009'));
  (malformed.applicant as Record<string, unknown>).idNumber = wrongId;
  const refusedSubmission = await gw.client('portal-sc').submitCase(malformed, 'sweep-refused-1');
  expect(refusedSubmission.status).toBe(422);
  keep('refused submission (to the portal)', refusedSubmission.body);

  await waitFor(() => received.length >= 4, { what: 'callbacks of the proxy case' });
}, 60_000);

afterAll(async () => {
  await callbacks?.close();
  receiver?.close();
  redis?.disconnect();
  await gw?.close();
});

describe('the personal values planted', () => {
  it('are distinct and checksum-valid, and the envelopes have personal values to look for', () => {
    expect(new Set(allPlanted()).size).toBe(places.length * 2);
    expect(envelopeSecrets.length).toBeGreaterThan(5);
  });
});

describe('personal data swept for everywhere at once', () => {
  const long = () =>
    [...new Set([...allPlanted(), ...envelopeSecrets])].filter((s) => s.length >= 6);

  it('writes none into the log', () => {
    expect(inClear(JSON.stringify(gw.logLines()), long())).toEqual([]);
  });

  it('keeps none in clear in Redis: values, key names, hash field names', async () => {
    const keys = await keysUnder(redis, gw.config.keyPrefix);
    expect(inClear(await rawBytes(redis, keys), long())).toEqual([]);
    expect(inClear(keys.join('\n'), long())).toEqual([]);
    expect(inClear(await hashFieldNames(redis, keys), long())).toEqual([]);
  });

  it('sends none in a callback body', () => {
    expect(inClear(received.join('\n'), long())).toEqual([]);
  });

  it('shows none to clients without unmask: cases, rectification, lists, statistics, notices, metrics', async () => {
    const reads: [string, string, string][] = [
      ...caseIds.flatMap((id): [string, string, string][] => [
        ['portal-sc', 'GET', `/v1/cases/${id}`],
        ['operator-readonly', 'GET', `/v1/cases/${id}`],
      ]),
      ['province-yn', 'GET', `/v1/cases/${caseIds[0]}`],
      ['portal-sc', 'GET', `/v1/rectifications/${rectificationId}`],
      ['province-yn', 'GET', `/v1/rectifications/${rectificationId}`],
      ['operator-readonly', 'GET', `/v1/rectifications/${rectificationId}`],
      ['portal-sc', 'GET', '/v1/rectifications'],
      ['province-yn', 'GET', '/v1/rectifications'],
      ['province-yn', 'GET', '/v1/supervision/notices'],
      ['operator-readonly', 'GET', '/v1/admin/dead-letters'],
      ['operator-readonly', 'GET', '/v1/stats/evaluations'],
      ['operator-readonly', 'GET', '/v1/stats/supervision'],
    ];
    const leaks: string[] = [];
    for (const [client, method, path] of reads) {
      const res = await gw.client(client).request(method, path);
      for (const s of inClear(JSON.stringify(res.body), long()))
        leaks.push(`${client} ${path} (${res.status}): ${s}`);
    }
    for (const a of answers) for (const s of inClear(a.body, long())) leaks.push(`${a.what}: ${s}`);
    const metrics = await fetch(`${gw.url}/metrics`).then((r) => r.text());
    for (const s of inClear(metrics, long())) leaks.push(`/metrics: ${s}`);
    expect(leaks).toEqual([]);
  });

  it('shows none on the console pages to operators before an unmask', async () => {
    const [proxyId] = caseIds;
    const deadId = caseIds[4]!;
    const pages = [
      '/console',
      '/console/cases',
      `/console/cases/${proxyId}`,
      `/console/cases/${caseIds[1]}`,
      `/console/cases/${caseIds[2]}`,
      '/console/dead-letters',
      `/console/dead-letters/${deadId}`,
      '/console/board',
      '/console/board/list',
      '/console/board/notices',
      '/console/board/rectifications',
      `/console/board/rectifications/${rectificationId}`,
      '/console/callbacks/failed',
    ];
    const leaks: string[] = [];
    for (const operator of ['operator-readonly', 'operator-dev']) {
      const console = new ConsoleClient(gw.url);
      expect((await console.signIn(operator)).status).toBe(303);
      // The audit log is for operators holding audit (operator-dev), refused to the read-only one.
      for (const page of operator === 'operator-dev' ? [...pages, '/console/audit'] : pages) {
        const res = await console.get(page);
        expect(res.status, `${operator} ${page}`).toBe(200);
        for (const s of inClear(res.text, long())) leaks.push(`${operator} ${page}: ${s}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('shows an operator with unmask the planted values whole, so the sweep would see them', async () => {
    const rectification = await readRectification(gw, rectificationId, 'operator-dev');
    expect(JSON.stringify(rectification.body)).toContain(planted.get('visited-note')!.id);
    const proxy = await readCase(gw, caseIds[0]!, 'operator-dev');
    expect(JSON.stringify(proxy)).toContain(planted.get('event-note')!.id);
  });
});
