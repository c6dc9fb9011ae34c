// The console's catalogue draft endpoints over HTTP (gateway/console/README.md#catalogue-drafts):
// they call the catalogue admin use cases, so rights, four-eyes and the audit are the API's. CSRF
// on every POST (live check included); bad JSON gets a clear 400, never a 500; a broken schema is
// a located problem; a read-only operator is refused, audited; the author cannot approve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
let dev2: ConsoleClient;
let readonly: ConsoleClient;
let draftId = '';
let draftPage = '';

beforeAll(async () => {
  gw = await startApiGateway(
    { GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' },
    { liveCatalogue: true },
  );
  dev = new ConsoleClient(gw.url);
  dev2 = new ConsoleClient(gw.url);
  readonly = new ConsoleClient(gw.url);
  for (const [client, id] of [
    [dev, 'operator-dev'],
    [dev2, 'operator-dev-2'],
    [readonly, 'operator-readonly'],
  ] as const)
    expect((await client.signIn(id)).status).toBe(303);
  const created = await dev.post('/console/catalogue/drafts', {
    _csrf: await dev.csrf(),
    itemCode: 'SW-005',
  });
  expect(created.status).toBe(303);
  draftId = /\/console\/catalogue\/drafts\/([0-9A-Za-z]+)$/.exec(created.location ?? '')![1]!;
  draftPage = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const documentOf = (page: string) =>
  JSON.parse(
    /<textarea[^>]*id="draft-document"[^>]*>([\s\S]*?)<\/textarea>/
      .exec(page)![1]!
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&'),
  ) as { schema: { properties: Record<string, unknown>; type: unknown } };

/** The creation key a draft-creating form carries (forms.ts creationKeyField). */
const creationKeyOf = (page: string) =>
  /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(page)![1]!;
const draftCount = () => gw.services.redis.zcard(redisKeys(gw.config.keyPrefix).catalogue.drafts);

async function check(client: ConsoleClient, document: string, csrf?: string) {
  return client.post('/console/catalogue/drafts/check', {
    ...(csrf === undefined ? { _csrf: await client.csrf() } : csrf ? { _csrf: csrf } : {}),
    kind: 'item',
    draftId,
    document,
  });
}

describe('draft editor endpoints', () => {
  it('starts a draft of SW-005 from its latest version, same as the published one', () => {
    expect(draftPage).toContain('id="draft-editor"');
    expect(draftPage).toContain('id="diff-none"');
    expect(documentOf(draftPage).schema.properties).toHaveProperty('taxpayerId');
  });

  it('live check: the published document is said to have no change — not a pass, as submit refuses it (GW_DRAFT_UNCHANGED) — with no compatibility change', async () => {
    const res = await check(dev, JSON.stringify(documentOf(draftPage)));
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-ok="false"');
    expect(res.text).toContain('data-unchanged="true"');
    expect(res.text).toContain('草稿没有修改');
    expect(res.text).not.toContain('校验通过');
    expect(res.text).toMatch(/data-path="\/item"/);
    expect(res.text).toContain('id="compat-none"');
  });

  it('live check: a broken schema is a problem located by its JSON pointer', async () => {
    const doc = documentOf(draftPage);
    doc.schema.type = 'no-such-type';
    const res = await check(dev, JSON.stringify(doc));
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-ok="false"');
    expect(res.text).toMatch(/data-path="\/item\/schema[^"]*"/);
  });

  it('live check: an added optional field is reported in the compatibility changes', async () => {
    const doc = documentOf(draftPage);
    doc.schema.properties.remark = { title: '备注', type: 'string', maxLength: 50 };
    const res = await check(dev, JSON.stringify(doc));
    expect(res.text).toContain('id="compat-changes"');
    expect(res.text).toContain('/payload/remark');
  });

  it('live check: text that is not JSON gets a clear 400 message, not a 500', async () => {
    for (const text of ['{"name": ', 'nope', '']) {
      const res = await check(dev, text);
      expect(res.status, text).toBe(400);
      expect(res.text, text).toMatch(/不是有效的 JSON|草稿内容为空/);
    }
  });

  it('refuses a POST without or with a wrong CSRF token (403, audited)', async () => {
    for (const csrf of ['', 'forged-token']) {
      const res = await check(dev, '{}', csrf);
      expect(res.status).toBe(403);
    }
    const save = await dev.post(`/console/catalogue/drafts/${draftId}`, { document: '{}' });
    expect(save.status).toBe(403);
    const refused = (await gw.services.audit.page({ action: 'console.post' })).items;
    expect(refused.some((e) => e.actor === 'operator-dev' && e.outcome === 'refused')).toBe(true);
  });

  it('a read-only operator sees no editor and is refused the check and a new draft, audited', async () => {
    const page = await readonly.get(`/console/catalogue/drafts/${draftId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('id="draft-editor"');
    expect((await check(readonly, '{}')).status).toBe(403);
    const created = await readonly.post('/console/catalogue/drafts', {
      _csrf: await readonly.csrf(),
      itemCode: 'SW-005',
    });
    expect(created.status).toBe(403);
    const audit = (await gw.services.audit.page({ actor: 'operator-readonly' })).items;
    expect(audit.map((e) => `${e.action}:${e.outcome}`)).toEqual(
      expect.arrayContaining(['catalogue.draft.check:refused', 'catalogue.draft.create:refused']),
    );
    expect((await readonly.get('/console/catalogue/review')).status).toBe(403);
  });

  it('saving text that is not JSON keeps the text and says why (400, no 500)', async () => {
    const res = await dev.post(`/console/catalogue/drafts/${draftId}`, {
      _csrf: await dev.csrf(),
      document: '{"broken": tru',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('不是有效的 JSON');
    expect(res.text).toContain('{&quot;broken&quot;: tru');
  });

  it('a save from an editor opened before the last save is refused (409) with the text kept, then overwrites when sent again', async () => {
    const savedAtOf = (page: string) => /name="savedAt" value="([^"]+)"/.exec(page)![1]!;
    const tabA = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    const tabB = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    const save = async (page: string, field: string) => {
      const doc = documentOf(page);
      doc.schema.properties[field] = { title: '备注', type: 'string', maxLength: 50 };
      return dev.post(`/console/catalogue/drafts/${draftId}`, {
        _csrf: await dev.csrf(),
        savedAt: savedAtOf(page),
        document: JSON.stringify(doc),
      });
    };
    expect((await save(tabA, 'fromTabA')).status).toBe(303);
    const stale = await save(tabB, 'fromTabB');
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('id="save-conflict"');
    expect(documentOf(stale.text).schema.properties).toHaveProperty('fromTabB');
    const stored = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    expect(documentOf(stored).schema.properties).toHaveProperty('fromTabA');
    expect(documentOf(stored).schema.properties).not.toHaveProperty('fromTabB');
    expect(savedAtOf(stale.text)).toBe(savedAtOf(stored));
    expect((await save(stale.text, 'fromTabB')).status).toBe(303);
    const overwritten = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    expect(documentOf(overwritten).schema.properties).toHaveProperty('fromTabB');
    expect(documentOf(overwritten).schema.properties).not.toHaveProperty('fromTabA');
  });

  it('of two saves sent at the same moment from editors of the same saved draft, exactly one is stored and the other is 409 with its text kept', async () => {
    const savedAtOf = (page: string) => /name="savedAt" value="([^"]+)"/.exec(page)![1]!;
    const opened = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    const csrf = await dev.csrf();
    const save = (field: string) => {
      const doc = documentOf(opened);
      doc.schema.properties[field] = { title: '备注', type: 'string', maxLength: 50 };
      return dev.post(`/console/catalogue/drafts/${draftId}`, {
        _csrf: csrf,
        savedAt: savedAtOf(opened),
        document: JSON.stringify(doc),
      });
    };
    const answers = await Promise.all([save('atOnceA'), save('atOnceB')]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    const [won, lost] = answers[0].status === 303 ? ['atOnceA', 'atOnceB'] : ['atOnceB', 'atOnceA'];
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.text).toContain('id="save-conflict"');
    expect(documentOf(refused.text).schema.properties).toHaveProperty(lost);
    const stored = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    expect(documentOf(stored).schema.properties).toHaveProperty(won);
    expect(documentOf(stored).schema.properties).not.toHaveProperty(lost);
    expect(savedAtOf(refused.text)).toBe(savedAtOf(stored));
  });

  it('save, validate (the card says it shows the saved draft), submit; the author has no approve button and is refused (403 four-eyes, audited); another operator, who reaches Approve past the validation and the diff, is refused a rejection whose reason holds a right-to-left override (400, the draft still in review) and approves', async () => {
    const doc = documentOf(draftPage);
    doc.schema.properties.remark = { title: '备注', type: 'string', maxLength: 50 };
    const saved = await dev.post(`/console/catalogue/drafts/${draftId}`, {
      _csrf: await dev.csrf(),
      document: JSON.stringify(doc),
      note: 'remark',
    });
    expect(saved.status).toBe(303);
    const csrf = await dev.csrf();
    expect(
      (await dev.post(`/console/catalogue/drafts/${draftId}/validate`, { _csrf: csrf })).status,
    ).toBe(303);
    expect(
      (await dev.post(`/console/catalogue/drafts/${draftId}/submit`, { _csrf: csrf })).status,
    ).toBe(303);

    const own = await dev.get(`/console/catalogue/drafts/${draftId}`);
    expect(own.text).toContain('data-draft-status="in-review"');
    // The validation card says whose validation it shows: the saved draft's, not the editor's.
    expect(own.text).toMatch(
      /id="draft-validation"\s*>\s*<h2 id="draft-validation-title">\s*已保存草稿的最近一次校验/,
    );
    expect(own.text).toContain('id="own-draft"');
    expect(own.text).not.toContain('id="draft-approve"');
    const refused = await dev.post(`/console/catalogue/drafts/${draftId}/approve`, { _csrf: csrf });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('GW_FOUR_EYES');
    const audit = (await gw.services.audit.page({ action: 'catalogue.draft.approve' })).items;
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', target: draftId, outcome: 'refused' }),
    );

    const queue = await dev2.get('/console/catalogue/review');
    expect(queue.text).toContain(`data-draft="${draftId}"`);
    // The reviewer reaches Approve only past the validation (its compatibility report) and the diff.
    const review = (await dev2.get(`/console/catalogue/drafts/${draftId}`)).text;
    const at = (marker: string) => review.indexOf(marker);
    expect(at('id="draft-approve"')).toBeGreaterThan(at('id="saved-diff"'));
    expect(at('id="saved-diff"')).toBeGreaterThan(at('id="draft-validation"'));
    expect(at('id="draft-validation"')).toBeGreaterThan(-1);
    const overridden = await dev2.post(`/console/catalogue/drafts/${draftId}/reject`, {
      _csrf: await dev2.csrf(),
      reason: '字段名称不对\u202e 请改',
    });
    expect(overridden.status).toBe(400);
    expect(overridden.text).toContain('理由文本含有不允许的字符 U+202E');
    expect((await dev2.get(`/console/catalogue/drafts/${draftId}`)).text).toContain(
      'data-draft-status="in-review"',
    );
    const approved = await dev2.post(`/console/catalogue/drafts/${draftId}/approve`, {
      _csrf: await dev2.csrf(),
    });
    expect(approved.status).toBe(303);
    expect(approved.location).toMatch(
      new RegExp(`^/console/catalogue/drafts/${draftId}\\?published=[1-9][0-9]*$`),
    );
    expect((await dev2.get(approved.location!)).text).toContain('id="published"');
    const item = await gw
      .client('portal-sc')
      .request<{ version: number; schema: { properties: object } }>(
        'GET',
        '/v1/catalogue/items/SW-005',
      );
    expect(item.body.version).toBe(2);
    expect(item.body.schema.properties).toHaveProperty('remark');
  });

  it('the item page says who published each version, when, from which draft; the draft page links to its audit entries: who drafted, submitted and approved it', async () => {
    const itemPage = (await dev.get('/console/catalogue/items/SW-005')).text;
    const v2 = /<tr data-version="2">([\s\S]*?)<\/tr>/.exec(itemPage)![1]!;
    expect(v2).toContain('operator-dev-2');
    expect(v2).toContain(`href="/console/catalogue/drafts/${draftId}"`);
    const draft = (await dev.get(`/console/catalogue/drafts/${draftId}`)).text;
    expect(draft).toContain(`id="draft-audit" href="/console/audit?target=${draftId}"`);
    const trail = (await dev.get(`/console/audit?target=${draftId}`)).text.split('<tr data-seq');
    for (const [actor, action] of [
      ['operator-dev', 'catalogue.draft.update'],
      ['operator-dev', 'catalogue.draft.submit'],
      ['operator-dev-2', 'catalogue.draft.approve'],
    ])
      expect(
        trail.some(
          (row) =>
            row.includes(`data-action="${action}" data-outcome="ok"`) &&
            row.includes(`>${actor}</td>`),
        ),
        `${actor} ${action}`,
      ).toBe(true);
    // Without audit:read, no link to a page that would refuse them.
    expect((await readonly.get(`/console/catalogue/drafts/${draftId}`)).text).not.toContain(
      'id="draft-audit"',
    );
  });

  it("posting the new-calendar editor's form twice (a double click) makes one draft: both posts lead to it", async () => {
    const editor = await dev.get('/console/catalogue/drafts/new?kind=calendar');
    const key = creationKeyOf(editor.text);
    const form = {
      _csrf: await dev.csrf(),
      idempotencyKey: key,
      kind: 'calendar',
      document: JSON.stringify({ year: 2041, holidays: [], extraWorkingDays: [] }),
      note: 'double click',
    };
    const before = await draftCount();
    const [first, second] = [
      await dev.post('/console/catalogue/drafts', form),
      await dev.post('/console/catalogue/drafts', form),
    ];
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.location).toBe(first.location);
    expect(await draftCount()).toBe(before + 1);
    // Shown again, the editor carries another key: a new form is a new draft.
    expect(
      creationKeyOf((await dev.get('/console/catalogue/drafts/new?kind=calendar')).text),
    ).not.toBe(key);
  });

  it("posting an item page's draft form twice makes one draft of the item", async () => {
    const page = await dev.get('/console/catalogue/items/SW-005');
    const form = {
      _csrf: await dev.csrf(),
      idempotencyKey: creationKeyOf(page.text),
      itemCode: 'SW-005',
    };
    const before = await draftCount();
    const first = await dev.post('/console/catalogue/drafts', form);
    const second = await dev.post('/console/catalogue/drafts', form);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.location).toBe(first.location);
    expect(await draftCount()).toBe(before + 1);
  });

  it('answers 404 pages for unknown or malformed draft ids', async () => {
    for (const id of ['01NOSUCHDRAFT', 'bad%20id'])
      expect((await dev.get(`/console/catalogue/drafts/${id}`)).status).toBe(404);
  });
});
