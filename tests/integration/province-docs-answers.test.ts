// What a provincial platform gets when it integrates from the docs alone (README.md
// "Integrating a province platform", "Province events", "Rectifications and 督办 notices", and
// GET /openapi.json). Found by an independent 云南 client that read nothing else: an event time
// the README calls RFC 3339 was taken as `+0800` or with a space for the `T` (and then shown as
// sent to portals in other languages), the OpenAPI left most members of a 督办 notice and of a
// rectification step's answer optional though every answer carries them, and the README did not
// say when the notice feed's cursor is null or what a rectification step answers.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_DOC_ID, servedOpenApi } from '../support/served-openapi.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { close, submit, submitJoint } from '../support/case-flow.ts';
import { evaluate, rectificationEvent } from '../support/evaluation-flow.ts';
import { supervisorOf, type NoticePage } from '../support/supervision.ts';
import { superviseOnce } from '../../gateway/supervision/supervision.ts';
import { chinaDate } from '../../gateway/calendar/working-days.ts';

type Schema = { required?: string[]; properties?: Record<string, Schema> };
interface Document {
  paths: Record<
    string,
    Record<string, { description?: string; responses: Record<string, unknown> }>
  >;
  components: { schemas: Record<string, Schema> };
}
interface Problem {
  code: string;
  errors?: { path: string }[];
}

/** Today on the China calendar (UTC+8): the day a case submitted now was submitted. */
const chinaToday = () => chinaDate(new Date());
let gw: ApiGateway;
let doc: Document;
let ajv: Ajv2020;
let seq = 0;

beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '100000' });
  ({ doc, ajv } = await servedOpenApi<Document>(gw.url));
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
/** The schema of an operation's 200 answer, as the OpenAPI document states it. */
const answerSchema = (path: string, method: string) =>
  `${OPENAPI_DOC_ID}#/paths/${escape(path)}/${method}/responses/200/content/application~1json/schema`;
const resolve = (pointer: string): Schema =>
  pointer
    .split('#')[1]!
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    ) as Schema;

async function routedSw005(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `province-docs-${seq++}-${Date.now()}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

/** `2026-12-04T02:00:00.000Z` → `2026-12-04T10:00:00`, the same instant on Beijing's wall clock. */
const chinaWallClock = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19);

const postEvent = (caseId: string, body: Record<string, unknown>, client = 'province-yn') =>
  gw
    .client(client)
    .request<Problem & { status: string; duplicate: boolean }>(
      'POST',
      `/v1/cases/${caseId}/events`,
      {
        json: body,
      },
    );

describe("a province event's time, as gateway/README.md#province-events states it", () => {
  it.each(['2026-12-04T10:00:00+0800', '2026-12-04 10:00:00+08:00'])(
    'refuses %s, which is not RFC 3339, with 422 GW_VALIDATION_FAILED at /at, and the case does not move',
    async (at) => {
      const caseId = await routedSw005();
      const res = await postEvent(caseId, { type: 'accepted', at });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('GW_VALIDATION_FAILED');
      expect(res.body.errors?.map((e) => e.path)).toEqual(['/at']);
      expect((await gw.services.store.get(caseId))?.status).toBe('ROUTED');
    },
  );

  // Each written from the gateway's clock when posted: an event may not predate its case.
  it.each([
    ['2026-12-04T10:00:00+08:00', (t: string) => `${chinaWallClock(t)}+08:00`],
    ['2026-12-04T02:00:00Z', (t: string) => `${t.slice(0, 19)}Z`],
    ['2026-12-04T10:00:00.123456+08:00', (t: string) => `${chinaWallClock(t)}.123456+08:00`],
    ['2026-12-04t02:00:00z', (t: string) => `${t.slice(0, 19)}z`.replace('T', 't')],
  ])('takes a time like %s, an RFC 3339 time with its offset', async (_, write) => {
    const caseId = await routedSw005();
    const at = write(new Date().toISOString());
    const res = await postEvent(caseId, { type: 'accepted', at });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('IN_PROGRESS');
  });

  it("publishes the same rule in the OpenAPI CaseEvent: the README's refused times do not validate", () => {
    const validate = ajv.compile({ $ref: `${OPENAPI_DOC_ID}#/components/schemas/CaseEvent` });
    expect(validate({ type: 'accepted', at: '2026-12-04T10:00:00+08:00' })).toBe(true);
    expect(validate({ type: 'accepted', at: '2026-12-04T10:00:00+0800' })).toBe(false);
    expect(validate({ type: 'accepted', at: '2026-12-04 10:00:00+08:00' })).toBe(false);
  });
  // The operation's description said "before the case was submitted", so a province whose clock
  // runs a minute behind read its immediate `accepted` as one the gateway refuses.
  it('publishes in the OpenAPI operation the window the README states: an event may lie up to 5 minutes before the submission', async () => {
    const caseId = await routedSw005();
    const createdAt = Date.parse((await gw.services.store.get(caseId))!.createdAt);
    const early = await postEvent(caseId, {
      type: 'accepted',
      at: new Date(createdAt - 6 * 60_000).toISOString(),
    });
    expect(early.status).toBe(422);
    expect(early.body.errors?.map((e) => e.path)).toEqual(['/at']);
    const behind = await postEvent(caseId, {
      type: 'accepted',
      at: new Date(createdAt - 4 * 60_000).toISOString(),
    });
    expect(behind.status).toBe(200);
    const description = doc.paths['/v1/cases/{caseId}/events']!.post!.description!;
    expect(description).toContain(
      "more than 5 minutes past the gateway's clock or more than 5 minutes before the case was submitted",
    );
  });
});

describe('a repeated province event, as gateway/README.md#province-events states it', () => {
  it('takes the same content in another key order as a duplicate, and the event built again with a fresh at as another event', async () => {
    const caseId = await routedSw005();
    const at = `${chinaWallClock(new Date().toISOString())}+08:00`;
    const first = { type: 'in-progress', at, note: '办理中' };
    expect((await postEvent(caseId, first)).body.duplicate).toBe(false);
    const reordered = { note: '办理中', at, type: 'in-progress' };
    expect((await postEvent(caseId, reordered)).body).toMatchObject({
      status: 'IN_PROGRESS',
      duplicate: true,
    });
    const rebuilt = { ...first, at: new Date().toISOString() };
    expect((await postEvent(caseId, rebuilt)).body.duplicate).toBe(false);
    const view = await gw
      .client('province-yn')
      .getCase<{ history: { status: string; actor: string }[] }>(caseId);
    const progress = view.body.history.filter((h) => h.status === 'IN_PROGRESS');
    expect(progress.map((h) => h.actor)).toEqual(['province-yn', 'province-yn']);

    const other = await routedSw005();
    const accepted = { type: 'accepted', at: new Date().toISOString() };
    expect((await postEvent(other, accepted)).body.duplicate).toBe(false);
    const retried = await postEvent(other, {
      ...accepted,
      at: new Date(Date.parse(accepted.at) + 9_000).toISOString(),
    });
    expect(retried.status).toBe(409);
    expect(retried.body.code).toBe('GW_ILLEGAL_TRANSITION');
  });

  it('answers result-delivered and not-accepted with the status the case ended in, CLOSED', async () => {
    const paid = await routedSw005();
    const other = await routedSw005();
    const at = new Date().toISOString();
    const example = (
      (await gw.client('province-yn').request('GET', '/v1/catalogue/items/SW-005')).body as {
        schema: { resultSchema: { examples: Record<string, unknown>[] } };
      }
    ).schema.resultSchema.examples[0];
    // The published example, dated the day it is posted: a voucher dated before the case's
    // submission day is another payment's (schemas/README.md#result-rules).
    const result = { ...example, deductedOn: chinaToday(), creditedOn: chinaToday() };
    expect((await postEvent(paid, { type: 'decided', at, result })).body.status).toBe('DECIDED');
    expect((await postEvent(paid, { type: 'result-delivered', at })).body).toMatchObject({
      status: 'CLOSED',
      duplicate: false,
    });
    expect((await postEvent(other, { type: 'not-accepted', at })).body).toMatchObject({
      status: 'CLOSED',
      duplicate: false,
    });
  });
});

describe("a province event's result, as README.md#province-events--post-v1casescaseidevents-province-clients-on-the-route states it", () => {
  // Any event may carry a result (the contract's body) and the last one replaces the case's: the
  // docs said only that `decided` carries one, and a province that sent its payment with
  // `accepted` showed the portal a payment before anything was decided.
  it("replaces the case's result with the last one posted, which the OpenAPI CaseEvent says, pointing a province at decided", async () => {
    const caseId = await routedSw005();
    const item = await gw.client('province-yn').request('GET', '/v1/catalogue/items/SW-005');
    const [paidExample, example] = (
      item.body as { schema: { resultSchema: { examples: Record<string, unknown>[] } } }
    ).schema.resultSchema.examples;
    // The published examples, dated the day they are posted (a voucher dated before the case's
    // submission day is another payment's). The failed example names the sandbox's failing 三方协议;
    // a result must carry the case's own (schemas/README.md#result-rules), the paying one this
    // case submitted.
    const paid: Record<string, unknown> = {
      ...paidExample,
      deductedOn: chinaToday(),
      creditedOn: chinaToday(),
    };
    const failed = { ...example, agreementNo: paid.agreementNo, attemptedOn: chinaToday() };
    const at = new Date().toISOString();
    expect((await postEvent(caseId, { type: 'accepted', at, result: paid })).status).toBe(200);
    const read = async () =>
      (
        await gw
          .client('portal-sc')
          .getCase<{ status: string; result: { outcome: string } | null }>(caseId)
      ).body;
    expect(await read()).toMatchObject({ status: 'IN_PROGRESS', result: { outcome: 'paid' } });
    expect((await postEvent(caseId, { type: 'decided', at, result: failed })).status).toBe(200);
    expect((await read()).result?.outcome).toBe('failed');
    const delivered = await postEvent(caseId, { type: 'result-delivered', at, result: paid });
    expect(delivered.body.status).toBe('CLOSED');
    expect((await read()).result?.outcome).toBe('paid');

    const result = doc.components.schemas.CaseEvent!.properties!.result as { description: string };
    expect(result.description).toContain('the last one posted replaces the case');
    expect(result.description).toContain('send none before `decided`');
  });
});

describe("a joint case's events, as README.md#province-events--post-v1casescaseidevents-province-clients-on-the-route states it", () => {
  // The 409 named every child, so a province went on to the other province's party and got 404.
  it('refuses an event on the parent with 409, naming the party on your route to report on and the others as not yours', async () => {
    const family = await submitJoint(gw);
    const at = new Date().toISOString();
    const onParent = await postEvent(family.parentId, { type: 'accepted', at }, 'province-cq');
    expect(onParent.status).toBe(409);
    expect(onParent.body).toMatchObject({
      code: 'GW_ILLEGAL_TRANSITION',
      detail: `Case ${family.parentId} is a joint case: report events on its party on your route, ${family.cq} (its other parties, ${family.chengdu}, are reported by their own provinces)`,
    });
    expect((await postEvent(family.cq, { type: 'accepted', at }, 'province-cq')).status).toBe(200);
    expect((await postEvent(family.chengdu, { type: 'accepted', at }, 'province-cq')).status).toBe(
      404,
    );
  });
});

describe('a case read, as README.md#following-a-case--get-v1casescaseid states it', () => {
  it("requires in the OpenAPI CaseView every member a province's read of a case carries, createdAt among them (an event may not predate it)", async () => {
    const caseId = await routedSw005();
    const res = await gw.client('province-yn').getCase<Record<string, unknown>>(caseId);
    expect(res.status).toBe(200);
    expect(res.body.createdAt).toBe((await gw.services.store.get(caseId))!.createdAt);
    // A joint party's read adds parentId and role; this one is not a party.
    const answer = resolve(answerSchema('/v1/cases/{caseId}', 'get')) as Schema & { $ref?: string };
    const view = answer.$ref ? resolve(`${OPENAPI_DOC_ID}${answer.$ref}`) : answer;
    expect(view.required?.sort()).toEqual(Object.keys(res.body).sort());
  });

  // A late event's earlier `at` after later entries read as the gateway reordering the record.
  it('keeps the history in the order recorded, a late event with its own earlier at last, as the OpenAPI CaseView says', async () => {
    const caseId = await routedSw005();
    const createdAt = (await gw.services.store.get(caseId))!.createdAt;
    const late = new Date(Date.parse(createdAt) + 1).toISOString();
    expect(
      (await postEvent(caseId, { type: 'accepted', at: new Date().toISOString() })).status,
    ).toBe(200);
    expect((await postEvent(caseId, { type: 'in-progress', at: late, note: '迟到' })).status).toBe(
      200,
    );
    const view = await gw
      .client('province-yn')
      .getCase<{ history: { at: string; note?: string }[] }>(caseId);
    expect(view.body.history.at(-1)).toMatchObject({ at: late, note: '迟到' });
    const history = resolve(
      `${OPENAPI_DOC_ID}#/components/schemas/CaseView/properties/history`,
    ) as {
      description?: string;
    };
    expect(history.description).toContain('In the order recorded');
  });
});

describe('the 督办 notice feed, as README.md#rectifications-and-督办-notices-province-clients states it', () => {
  it('answers a null cursor while the feed never had a notice, then every member of each notice, then the same cursor when nothing is new', async () => {
    const read = async (query = '') => {
      const res = await gw
        .client('province-yn')
        .request<NoticePage>('GET', `/v1/supervision/notices${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    expect(await read()).toEqual({ items: [], nextCursor: null });

    // SW-005 is due the day it is submitted: a pass after that raises its warning and overdue.
    const caseId = await routedSw005();
    const dueAt = Date.parse((await gw.services.store.get(caseId))!.dueAt);
    expect(await superviseOnce(supervisorOf(gw), dueAt + 1000)).toBeGreaterThan(0);

    const page = await read();
    const mine = page.items.filter((n) => n.caseId === caseId);
    expect(mine.map((n) => [n.flag, n.type])).toEqual([
      ['warning', 'warning'],
      ['overdue', 'urge'],
    ]);
    expect(mine.every((n) => n.province === '53')).toBe(true);

    const pointer = answerSchema('/v1/supervision/notices', 'get');
    // Every member a notice carries is one the document requires.
    expect(resolve(`${pointer}/properties/items/items`).required?.sort()).toEqual(
      Object.keys(mine[0]!).sort(),
    );
    const validate = ajv.compile({ $ref: pointer });
    expect(validate(page), ajv.errorsText(validate.errors)).toBe(true);
    // Every member the OpenAPI names is there, so a generated client may require them.
    for (const notice of page.items) {
      for (const member of resolve(`${pointer}/properties/items/items`).required!)
        expect(notice, member).toHaveProperty(member);
    }

    expect(page.nextCursor).not.toBeNull();
    expect(await read(`?cursor=${page.nextCursor}`)).toEqual({
      items: [],
      nextCursor: page.nextCursor,
    });
  });
});

describe('a rectification step, as README.md#rectifications-and-督办-notices-province-clients states it', () => {
  it("answers 200 { rectificationId, status, duplicate }, all three required in the OpenAPI; another province's is 404 GW_RECTIFICATION_NOT_FOUND", async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    expect(rated.status).toBe(201);
    const id = rated.body.rectification!.id;

    const first = await rectificationEvent(gw, id, 'visited', '已回访');
    const again = await rectificationEvent(gw, id, 'visited', '已回访');
    expect(first.body).toEqual({ rectificationId: id, status: 'VISITED', duplicate: false });
    expect(again.body).toEqual({ rectificationId: id, status: 'VISITED', duplicate: true });
    const pointer = answerSchema('/v1/rectifications/{rectificationId}/events', 'post');
    expect(resolve(pointer).required?.sort()).toEqual(['duplicate', 'rectificationId', 'status']);
    expect(ajv.compile({ $ref: pointer })(first.body)).toBe(true);
    const operation = doc.paths['/v1/rectifications/{rectificationId}/events']!.post!;
    for (const answer of ['duplicate: true', 'GW_ILLEGAL_TRANSITION', 'GW_RECTIFICATION_NOT_FOUND'])
      expect(operation.description).toContain(answer);

    const other = await rectificationEvent(gw, id, 'rectified', '已整改', 'province-gz');
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'GW_RECTIFICATION_NOT_FOUND' });

    const list = await gw
      .client('province-yn')
      .request<{ items: unknown[]; nextCursor: string | null }>(
        'GET',
        '/v1/rectifications?limit=200',
      );
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
  });
});
