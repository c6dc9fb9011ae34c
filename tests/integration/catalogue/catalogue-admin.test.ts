// Catalogue drafts and the four-eyes rule over HTTP (gateway/README.md#drafts-and-four-eyes): the
// whole draft → validate → submit → approve flow; the author refused as approver; another
// operator's draft refused for edits; a draft with problems refused for submission; bad drafts
// refused with nothing stored; a breaking publish leaving the previous version to pinned portals
// until its sunset (an injected clock), then 422; a disabled item's notice; a new item; a calendar
// year; every action and refusal in the audit chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { seedDraftItem } from '../../support/catalogue.ts';
import { plainRedis } from '../../support/redis.ts';

const redis = plainRedis();
let gw: ApiGateway;
let offsetMs = 0;
const DAY = 86_400_000;

beforeAll(async () => {
  gw = await startApiGateway(
    {},
    { liveCatalogue: true, now: () => new Date(Date.now() + offsetMs) },
  );
});
afterAll(async () => {
  await gw.close();
  redis.disconnect();
});

type Json = Record<string, unknown>;
const DRAFTS = '/v1/admin/catalogue/drafts';
const as = (operator: string) => gw.client(operator);
const call = (operator: string, method: string, url: string, json?: unknown) =>
  as(operator).request<Json>(method, url, json === undefined ? {} : { json });
const draftCount = () => redis.zcard(redisKeys(gw.config.keyPrefix).catalogue.drafts);

/** SW-005 with one more field; required makes it a breaking change. */
function sw005WithRemark(required: boolean, version: number) {
  const item = seedDraftItem('SW-005', { code: 'SW-005', version });
  const schema = item.schema as { properties: Json; required: string[] };
  schema.properties.remark = { title: '备注', type: 'string', maxLength: 50 };
  if (required) schema.required.push('remark');
  for (const example of item.examples.valid as { payload: Json }[])
    example.payload.remark = '按季申报';
  for (const example of item.examples.invalid as { envelope: { payload: Json } }[])
    example.envelope.payload.remark = '按季申报';
  return item;
}

async function publish(body: Json, author = 'operator-dev', approver = 'operator-dev-2') {
  const created = await call(author, 'POST', DRAFTS, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.draftId as string;
  const validation = await call(author, 'POST', `${DRAFTS}/${id}/validate`);
  expect(validation.body.ok, JSON.stringify(validation.body)).toBe(true);
  expect((await call(author, 'POST', `${DRAFTS}/${id}/submit`)).status).toBe(200);
  const approved = await call(approver, 'POST', `${DRAFTS}/${id}/approve`);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return { id, validation: validation.body, approved: approved.body };
}

async function auditEntries(): Promise<Json[]> {
  const res = await call('operator-dev', 'GET', '/v1/admin/audit?limit=200');
  return res.body.items as Json[];
}

describe('catalogue drafts over HTTP', () => {
  it('runs draft → validate → submit → approve, refusing the author as approver, and serves the new version at once', async () => {
    const created = await call('operator-dev', 'POST', DRAFTS, {
      itemCode: 'SW-005',
      item: sw005WithRemark(false, 2),
      note: 'an optional remark',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', itemCode: 'SW-005', baseVersion: 1 });
    const id = created.body.draftId as string;

    const validation = await call('operator-dev', 'POST', `${DRAFTS}/${id}/validate`);
    expect(validation.status).toBe(200);
    expect(validation.body).toMatchObject({ ok: true, problems: [] });
    expect((validation.body.compatibility as Json).breaking).toBe(false);

    const submitted = await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`);
    expect(submitted.body.status).toBe('in-review');
    const inReview = await call('operator-dev-2', 'GET', `${DRAFTS}?status=in-review`);
    expect((inReview.body.items as Json[]).map((d) => d.draftId)).toContain(id);

    const own = await call('operator-dev', 'POST', `${DRAFTS}/${id}/approve`);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('GW_FOUR_EYES');

    const approved = await call('operator-dev-2', 'POST', `${DRAFTS}/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ itemCode: 'SW-005', version: 2 });
    const item = await call('portal-sc', 'GET', '/v1/catalogue/items/SW-005');
    expect(item.body.version).toBe(2);
    expect(((item.body.schema as Json).properties as Json).remark).toBeDefined();
    const list = await call('portal-sc', 'GET', '/v1/catalogue/items');
    expect(list.body.revision).toBe(approved.body.revision);

    const again = await call('operator-dev-2', 'POST', `${DRAFTS}/${id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('GW_DRAFT_STATE');

    const audit = await auditEntries();
    const of = (action: string) => audit.filter((e) => e.action === action && e.target === id);
    expect(of('catalogue.draft.approve').map((e) => [e.actor, e.outcome])).toEqual(
      expect.arrayContaining([
        ['operator-dev', 'refused'],
        ['operator-dev-2', 'ok'],
      ]),
    );
    expect(of('catalogue.draft.submit')[0]).toMatchObject({ actor: 'operator-dev', outcome: 'ok' });
    // The approval is filed under the draft's id: it says what it published.
    expect(of('catalogue.draft.approve')).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev-2', reason: 'published SW-005 v2' }),
    );
  });

  it("refuses edits and submission of another operator's draft (403 GW_DRAFT_NOT_AUTHOR), audited", async () => {
    const item = seedDraftItem('GA-001');
    const created = await call('operator-dev', 'POST', DRAFTS, { itemCode: 'GA-001', item });
    const id = created.body.draftId as string;
    item.promisedDays = 30;
    const edit = await call('operator-dev-2', 'PUT', `${DRAFTS}/${id}`, {
      itemCode: 'GA-001',
      item,
    });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('GW_DRAFT_NOT_AUTHOR');
    const stored = await call('operator-dev', 'GET', `${DRAFTS}/${id}`);
    expect((stored.body.item as Json).promisedDays).toBe(60);
    const own = await call('operator-dev', 'PUT', `${DRAFTS}/${id}`, { itemCode: 'GA-001', item });
    expect(own.status).toBe(200);
    expect((own.body.item as Json).promisedDays).toBe(30);
    const refused = (await auditEntries()).find(
      (e) => e.action === 'catalogue.draft.update' && e.target === id && e.outcome === 'refused',
    );
    expect(refused).toMatchObject({ actor: 'operator-dev-2' });
  });

  it('refuses to submit a draft with problems, or one not validated since its last change', async () => {
    const item = seedDraftItem('GA-002');
    // An "invalid" example that is in fact valid: validation must report it.
    (item.examples.invalid as Json[])[0] = {
      ...(item.examples.invalid as Json[])[0],
      envelope: item.examples.valid[0],
    };
    const created = await call('operator-dev', 'POST', DRAFTS, { itemCode: 'GA-002', item });
    expect(created.status).toBe(201);
    const id = created.body.draftId as string;
    const unvalidated = await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`);
    expect(unvalidated.status).toBe(422);
    expect(unvalidated.body.code).toBe('GW_DRAFT_NOT_VALID');
    const validation = await call('operator-dev', 'POST', `${DRAFTS}/${id}/validate`);
    expect(validation.body.ok).toBe(false);
    expect((validation.body.problems as Json[])[0]!.path).toMatch(/^\/item\/examples\/invalid\/0/);
    const submitted = await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`);
    expect(submitted.status).toBe(422);
    expect(submitted.body.code).toBe('GW_DRAFT_NOT_VALID');
    expect((await call('operator-dev', 'GET', `${DRAFTS}/${id}`)).body.status).toBe('draft');
  });

  it('refuses to submit a draft identical to its base version (keys reordered) with 422 GW_DRAFT_UNCHANGED at /item, after validate said so, and takes it once changed', async () => {
    const copy = seedDraftItem('GA-005');
    // Another key order and layout is still the same version.
    const reordered = Object.fromEntries(Object.entries(copy).reverse());
    const created = await call('operator-dev', 'POST', DRAFTS, {
      itemCode: 'GA-005',
      item: reordered,
    });
    expect(created.status).toBe(201);
    const id = created.body.draftId as string;
    const validation = await call('operator-dev', 'POST', `${DRAFTS}/${id}/validate`);
    expect(validation.body.ok).toBe(false);
    expect(validation.body.problems).toEqual([
      expect.objectContaining({
        path: '/item',
        messageZh: '草稿与第 1 版完全相同，请先修改再提交',
      }),
    ]);
    const submitted = await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`);
    expect(submitted.status).toBe(422);
    expect(submitted.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(submitted.body).toMatchObject({
      code: 'GW_DRAFT_UNCHANGED',
      errors: [expect.objectContaining({ path: '/item' })],
    });
    expect((await call('operator-dev', 'GET', `${DRAFTS}/${id}`)).body.status).toBe('draft');
    const refusal = (await auditEntries()).find(
      (e) => e.action === 'catalogue.draft.submit' && e.target === id,
    );
    expect(refusal).toMatchObject({ actor: 'operator-dev', outcome: 'failed' });
    expect(refusal?.reason).toMatch(/^GW_DRAFT_UNCHANGED/);

    const changed = { ...copy, promisedDays: (copy.promisedDays ?? 0) + 1 };
    expect(
      (await call('operator-dev', 'PUT', `${DRAFTS}/${id}`, { itemCode: 'GA-005', item: changed }))
        .status,
    ).toBe(200);
    expect((await call('operator-dev', 'POST', `${DRAFTS}/${id}/validate`)).body.ok).toBe(true);
    expect((await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`)).status).toBe(200);
  });

  it('refuses bad drafts with a 4xx problem and stores nothing', async () => {
    const before = await draftCount();
    const cases: [Json, number, string][] = [
      [{ itemCode: 'SW-005', item: 'not an object' }, 422, 'GW_VALIDATION_FAILED'],
      [{ itemCode: 'SW-005', item: {}, surplus: true }, 422, 'GW_VALIDATION_FAILED'],
      [{ itemCode: 'XX-001', item: seedDraftItem('SW-005') }, 422, 'GW_DRAFT_INVALID'],
      [
        { itemCode: 'SW-005', baseVersion: 99, item: seedDraftItem('SW-005') },
        409,
        'GW_DRAFT_STALE',
      ],
    ];
    const broken = seedDraftItem('SW-006');
    (broken.schema as { properties: Json }).properties.broken = { type: 'strin' };
    cases.push([{ itemCode: 'SW-006', item: broken }, 422, 'GW_DRAFT_INVALID']);
    const unknownDepartment = { ...seedDraftItem('SW-006'), department: 'XX' };
    cases.push([{ itemCode: 'SW-006', item: unknownDepartment }, 422, 'GW_DRAFT_INVALID']);
    for (const [body, status, code] of cases) {
      const res = await call('operator-dev', 'POST', DRAFTS, body);
      expect([res.status, res.body.code], JSON.stringify(body).slice(0, 80)).toEqual([
        status,
        code,
      ]);
    }
    const huge = seedDraftItem('SW-006');
    huge.schema.description = 'x'.repeat(1024 * 1024);
    const res = await call('operator-dev', 'POST', DRAFTS, { itemCode: 'SW-006', item: huge });
    expect(res.status).toBe(413);
    const readonly = await call('operator-readonly', 'POST', DRAFTS, {
      itemCode: 'SW-006',
      item: seedDraftItem('SW-006'),
    });
    expect(readonly.status).toBe(403);
    expect(await draftCount()).toBe(before);
  });

  it('rejects a draft in review with a reason', async () => {
    const item = seedDraftItem('GA-003');
    item.promisedDays = (item.promisedDays ?? 0) + 5;
    const created = await call('operator-dev', 'POST', DRAFTS, { itemCode: 'GA-003', item });
    const id = created.body.draftId as string;
    await call('operator-dev', 'POST', `${DRAFTS}/${id}/validate`);
    await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`);
    const noReason = await call('operator-dev-2', 'POST', `${DRAFTS}/${id}/reject`, {});
    expect(noReason.status).toBe(422);
    const rejected = await call('operator-dev-2', 'POST', `${DRAFTS}/${id}/reject`, {
      reason: '与现行文件不符',
    });
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      reason: '与现行文件不符',
      decidedBy: 'operator-dev-2',
    });
  });

  it('keeps the previous version for pinned submissions until its sunset after a breaking publish, then 422 GW_ITEM_VERSION_RETIRED', async () => {
    const latest = (await call('portal-sc', 'GET', '/v1/catalogue/items/SW-005')).body.version;
    const { validation, approved } = await publish({
      itemCode: 'SW-005',
      item: sw005WithRemark(true, (latest as number) + 1),
    });
    expect((validation.compatibility as Json).breaking).toBe(true);
    const version = approved.version as number;
    const versions = await call('operator-dev', 'GET', '/v1/admin/catalogue/items/SW-005/versions');
    const previous = (versions.body.versions as Json[]).find((v) => v.version === version - 1)!;
    expect(previous.status).toBe('accepted');
    const sunset = Date.parse(previous.sunsetAt as string);
    expect(sunset - (Date.now() + offsetMs)).toBeGreaterThan(89 * DAY);

    const pinned: Json = { ...validExample('SW-005'), itemVersion: version - 1 };
    delete (pinned.payload as Json).remark;
    const accepted = await as('portal-sc').submitCase(pinned, `pinned-${version}-a`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const { itemVersion: _pin, ...latestOne } = validExample('SW-005');
    const unpinned = await as('portal-sc').submitCase<Json>(latestOne, `unpinned-${version}`);
    expect(unpinned.status).toBe(422);
    expect(unpinned.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(JSON.stringify(unpinned.body.errors)).toContain('remark');

    offsetMs = sunset - Date.now() + DAY;
    try {
      const retired = await as('portal-sc').submitCase<Json>(pinned, `pinned-${version}-b`);
      expect(retired.status).toBe(422);
      expect(retired.body.code).toBe('GW_ITEM_VERSION_RETIRED');
      const listed = await call('operator-dev', 'GET', '/v1/admin/catalogue/items/SW-005/versions');
      expect((listed.body.versions as Json[]).find((v) => v.version === version - 1)!.status).toBe(
        'retired',
      );
    } finally {
      offsetMs = 0;
    }
  });

  it('disables an item with a notice that portals see in the 422', async () => {
    const item = { ...seedDraftItem('RS-006'), disabledNotice: '本事项暂停受理,请至线下窗口办理' };
    await publish({ itemCode: 'RS-006', item });
    const res = await as('portal-sc').submitCase<Json>(validExample('RS-006'), 'disabled-rs-006');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_ITEM_DISABLED');
    expect((res.body.errors as Json[])[0]!.messageZh).toContain('本事项暂停受理');
  });

  it('creates a new item from an unknown code of a known department', async () => {
    const item = seedDraftItem('SW-006', { code: 'SW-901', version: 1 });
    item.name = '测试新增事项(异地办理)';
    const { approved } = await publish({ itemCode: 'SW-901', item });
    expect(approved).toMatchObject({ itemCode: 'SW-901', version: 1 });
    const read = await call('portal-sc', 'GET', '/v1/catalogue/items/SW-901');
    expect(read.body).toMatchObject({ code: 'SW-901', name: '测试新增事项(异地办理)', version: 1 });
  });

  it('refuses a calendar date whose month or day no year has (2031-13-01, 2031-01-32) with 422 GW_DRAFT_INVALID at its pointer', async () => {
    const bad = await call('operator-dev', 'POST', DRAFTS, {
      kind: 'calendar',
      calendar: { year: 2031, holidays: ['2031-13-01'], extraWorkingDays: ['2031-01-32'] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('GW_DRAFT_INVALID');
    expect((bad.body.errors as Json[]).map((e) => e.path)).toEqual([
      '/calendar/holidays/0',
      '/calendar/extraWorkingDays/0',
    ]);
  });

  it("publishes a year's working-day calendar as a draft of kind calendar", async () => {
    expect(gw.services.calendar().knowsYear(2031)).toBe(false);
    const bad = await call('operator-dev', 'POST', DRAFTS, {
      kind: 'calendar',
      calendar: { year: 2031, holidays: ['2031-02-30'], extraWorkingDays: ['2031-01-06'] },
    });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as Json[]).map((e) => e.path)).toEqual([
      '/calendar/holidays/0',
      '/calendar/extraWorkingDays/0',
    ]);
    const { approved } = await publish({
      kind: 'calendar',
      calendar: { year: 2031, holidays: ['2031-01-01'], extraWorkingDays: ['2031-01-04'] },
    });
    expect(approved.year).toBe(2031);
    const calendar = gw.services.calendar();
    expect(calendar.knowsYear(2031)).toBe(true);
    expect(calendar.isWorkingDay('2031-01-01')).toBe(false);
    expect(calendar.isWorkingDay('2031-01-04')).toBe(true);
  });

  it('refuses to approve a calendar year that the same year published after its submission made identical, with 422 GW_DRAFT_UNCHANGED', async () => {
    const calendar = { year: 2032, holidays: ['2032-01-01'], extraWorkingDays: [] };
    const ids: string[] = [];
    for (const _ of [1, 2]) {
      const created = await call('operator-dev', 'POST', DRAFTS, { kind: 'calendar', calendar });
      const id = created.body.draftId as string;
      expect((await call('operator-dev', 'POST', `${DRAFTS}/${id}/validate`)).body.ok).toBe(true);
      expect((await call('operator-dev', 'POST', `${DRAFTS}/${id}/submit`)).status).toBe(200);
      ids.push(id);
    }
    expect((await call('operator-dev-2', 'POST', `${DRAFTS}/${ids[0]}/approve`)).status).toBe(200);
    const again = await call('operator-dev-2', 'POST', `${DRAFTS}/${ids[1]}/approve`);
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({
      code: 'GW_DRAFT_UNCHANGED',
      errors: [expect.objectContaining({ path: '/calendar' })],
    });
    expect((await call('operator-dev', 'GET', `${DRAFTS}/${ids[1]}`)).body.status).toBe(
      'in-review',
    );
  });
});
