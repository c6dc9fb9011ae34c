// A catalogue draft's ETag and If-Match on its save (gateway/README.md#drafts-and-four-eyes): every
// answer of one draft carries the draft's ETag; `PUT …/drafts/{id}` with If-Match stores only while
// the draft still has that ETag, checked in the same step as the write, so of two saves made on one
// read exactly one is stored and the other is 412; `*` is any draft; a malformed header is 400;
// without If-Match the last save wins, as before. Real Redis; the stored draft is read from it.
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { plainRedis } from '../../support/redis.ts';
import { servedOpenApi } from '../../support/served-openapi.ts';

const redis = plainRedis();
let gw: ApiGateway;

beforeAll(async () => {
  gw = await startApiGateway({}, { liveCatalogue: true });
});
afterAll(async () => {
  await gw.close();
  redis.disconnect();
});

type Json = Record<string, unknown>;
const DRAFTS = '/v1/admin/catalogue/drafts';

const calendar = (note: string, holiday = '2037-10-01') => ({
  kind: 'calendar',
  calendar: { year: 2037, source: 'test', holidays: [holiday], extraWorkingDays: [] },
  note,
});

/** A new client of the author each time: two of them are two API clients of one operator. */
const author = () => gw.client('operator-dev');

async function newDraft(): Promise<{ draftId: string; etag: string }> {
  const res = await author().request<Json>('POST', DRAFTS, { json: calendar('first') });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { draftId: res.body.draftId as string, etag: res.headers.get('etag')! };
}

function save(draftId: string, body: unknown, ifMatch?: string) {
  return author().request<Json>('PUT', `${DRAFTS}/${draftId}`, {
    json: body,
    headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
  });
}

const read = (draftId: string) => author().request<Json>('GET', `${DRAFTS}/${draftId}`);
const storedNote = (draftId: string) =>
  redis.hget(redisKeys(gw.config.keyPrefix).catalogue.draft(draftId), 'note');

describe("a catalogue draft's ETag and If-Match", () => {
  it('answers the creation, a read and a save with a strong ETag in quotes, the same for the same draft, a new one after a save', async () => {
    const { draftId, etag } = await newDraft();
    expect(etag).toMatch(/^"[^"]+"$/);
    const got = await read(draftId);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe(etag);
    const saved = await save(draftId, calendar('second'), etag);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(saved.headers.get('etag')).not.toBe(etag);
    expect((await read(draftId)).headers.get('etag')).toBe(saved.headers.get('etag'));
  });

  it('stores exactly one of two saves made with the ETag both clients read: one 200, one 412 GW_DRAFT_PRECONDITION_FAILED saying when it was saved, the stored content the winner’s', async () => {
    const { draftId } = await newDraft();
    const [readA, readB] = await Promise.all([read(draftId), read(draftId)]);
    const etagA = readA.headers.get('etag')!;
    expect(readB.headers.get('etag')).toBe(etagA);
    const answers = await Promise.all([
      save(draftId, calendar('client A', '2037-10-02'), etagA),
      save(draftId, calendar('client B', '2037-10-03'), readB.headers.get('etag')!),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    const winner = answers.find((a) => a.status === 200)!;
    const loser = answers.find((a) => a.status === 412)!;
    expect(loser.headers.get('content-type')).toContain('application/problem+json');
    expect(loser.body.code).toBe('GW_DRAFT_PRECONDITION_FAILED');
    expect(loser.body.detail).toContain(`saved at ${winner.body.updatedAt as string}`);
    expect(loser.body.detail).toContain(winner.headers.get('etag')!);
    expect(await storedNote(draftId)).toBe(winner.body.note);
    expect((await read(draftId)).body).toMatchObject({
      note: winner.body.note,
      calendar: winner.body.calendar,
    });
  });

  it('accepts If-Match of the ETag a save answered, and refuses the ETag from before that save', async () => {
    const { draftId, etag } = await newDraft();
    const first = await save(draftId, calendar('second'), etag);
    expect(first.status).toBe(200);
    const second = await save(draftId, calendar('third'), first.headers.get('etag')!);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.note).toBe('third');
    const stale = await save(draftId, calendar('from the first read'), etag);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('GW_DRAFT_PRECONDITION_FAILED');
    expect(await storedNote(draftId)).toBe('third');
  });

  it('matches any one of several listed tags, and never a weak one', async () => {
    const { draftId, etag } = await newDraft();
    const weak = await save(draftId, calendar('weak'), `W/${etag}`);
    expect(weak.status).toBe(412);
    const listed = await save(draftId, calendar('listed'), `"other", ${etag}`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(await storedNote(draftId)).toBe('listed');
  });

  it('changes the ETag when the draft is submitted and rejected, each answer carrying the new one', async () => {
    const { draftId, etag } = await newDraft();
    const validated = await author().request<Json>('POST', `${DRAFTS}/${draftId}/validate`);
    expect(validated.body.ok, JSON.stringify(validated.body)).toBe(true);
    // A validation changes neither content nor status: the ETag read before it still holds. The
    // answer carries the validation all the same, so no cache may keep it (and revalidate it to a
    // 304 over a validation that changed).
    const reread = await read(draftId);
    expect(reread.headers.get('etag')).toBe(etag);
    expect(reread.headers.get('cache-control')).toBe('no-store');
    const submitted = await author().request<Json>('POST', `${DRAFTS}/${draftId}/submit`);
    expect(submitted.status).toBe(200);
    const inReview = submitted.headers.get('etag')!;
    expect(inReview).toMatch(/^"[^"]+"$/);
    expect(inReview).not.toBe(etag);
    expect((await read(draftId)).headers.get('etag')).toBe(inReview);
    const rejected = await gw
      .client('operator-dev-2')
      .request<Json>('POST', `${DRAFTS}/${draftId}/reject`, { json: { reason: 'not now' } });
    expect(rejected.status).toBe(200);
    expect(rejected.headers.get('etag')).not.toBe(inReview);
    expect((await read(draftId)).headers.get('etag')).toBe(rejected.headers.get('etag'));
  });

  it('takes If-Match: * as any current draft, and answers a missing draft 404 as without it', async () => {
    const { draftId } = await newDraft();
    await save(draftId, calendar('moved on'));
    const any = await save(draftId, calendar('star'), '*');
    expect(any.status, JSON.stringify(any.body)).toBe(200);
    expect(await storedNote(draftId)).toBe('star');
    const missing = await save('01JZZZZZZZZZZZZZZZZZZZZZZZ', calendar('none'), '*');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('GW_DRAFT_NOT_FOUND');
  });

  it('refuses a malformed If-Match with 400 GW_IF_MATCH_INVALID and stores nothing', async () => {
    const { draftId, etag } = await newDraft();
    for (const header of [etag.slice(1, -1), '', '"unclosed', '*, "x"', `${etag} ${etag}`]) {
      const res = await save(draftId, calendar('malformed'), header);
      expect(res.status, header).toBe(400);
      expect(res.headers.get('content-type'), header).toContain('application/problem+json');
      expect(res.body.code, header).toBe('GW_IF_MATCH_INVALID');
    }
    expect(await storedNote(draftId)).toBe('first');
  });

  it('saves without If-Match as before: the last save wins, whatever was read', async () => {
    const { draftId } = await newDraft();
    expect((await save(draftId, calendar('one'))).status).toBe(200);
    const last = await save(draftId, calendar('two'));
    expect(last.status).toBe(200);
    expect(last.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(await storedNote(draftId)).toBe('two');
  });

  it('answers a read with If-None-Match of the current ETag in full (200 with the draft and its latest validation), never 304, since the tag does not cover the validation', async () => {
    const { draftId, etag } = await newDraft();
    const validated = await author().request<Json>('POST', `${DRAFTS}/${draftId}/validate`);
    expect(validated.status, JSON.stringify(validated.body)).toBe(200);
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, which
    // keeps a server from answering 304; a cache in front of the gateway or curl sends none.
    const path = `${DRAFTS}/${draftId}`;
    const headers = {
      ...signRequest(
        { clientId: 'operator-dev', secret: devSecret('operator-dev') },
        { method: 'GET', url: path },
      ),
      'If-None-Match': etag,
    };
    const res = await new Promise<{ status: number; etag: string; body: string }>(
      (resolve, reject) => {
        const req = httpGet(`${gw.url}${path}`, { headers }, (answer) => {
          let body = '';
          answer.setEncoding('utf8');
          answer.on('data', (chunk: string) => (body += chunk));
          answer.on('end', () =>
            resolve({ status: answer.statusCode!, etag: String(answer.headers.etag), body }),
          );
        });
        req.on('error', reject);
      },
    );
    expect(res.status).toBe(200);
    expect(res.etag).toBe(etag);
    const draft = JSON.parse(res.body) as Json;
    expect(draft.draftId).toBe(draftId);
    expect(draft.validation).toBeTruthy();
  });

  it('documents the ETag answer header, the If-Match request header and the 412 in the served OpenAPI', async () => {
    interface Doc {
      paths: Record<string, Record<string, Json>>;
      components: { parameters: Record<string, Json>; responses: Record<string, Json> };
    }
    const { doc } = await servedOpenApi<Doc>(gw.url);
    const one = doc.paths['/v1/admin/catalogue/drafts/{draftId}']!;
    const put = JSON.stringify(one.put);
    expect(put).toContain('#/components/parameters/DraftIfMatch');
    expect(doc.components.parameters.DraftIfMatch).toMatchObject({
      name: 'If-Match',
      in: 'header',
    });
    expect(put).toContain('#/components/responses/Problem412');
    expect(JSON.stringify(doc.components.responses.Problem412)).toContain(
      'GW_DRAFT_PRECONDITION_FAILED',
    );
    expect(JSON.stringify(doc.components.responses.Problem400)).toContain('GW_IF_MATCH_INVALID');
    for (const [path, method, status] of [
      ['/v1/admin/catalogue/drafts', 'post', '201'],
      ['/v1/admin/catalogue/drafts/{draftId}', 'get', '200'],
      ['/v1/admin/catalogue/drafts/{draftId}', 'put', '200'],
      ['/v1/admin/catalogue/drafts/{draftId}/submit', 'post', '200'],
      ['/v1/admin/catalogue/drafts/{draftId}/reject', 'post', '200'],
    ] as const) {
      const responses = doc.paths[path]![method]!.responses as Record<string, Json>;
      expect(responses[status]!.headers, `${method} ${path}`).toHaveProperty('ETag');
    }
  });
});
