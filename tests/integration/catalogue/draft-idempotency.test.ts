// A catalogue draft's creation with an Idempotency-Key (gateway/README.md#drafts-and-four-eyes,
// gateway/README.md#idempotency): the same key and body again answer the draft the first made
// (201, Idempotent-Replayed) and store none; another body under the key is 409; a malformed key is
// 400; without a key every creation is a new draft, as before. Real Redis; the drafts and the
// key's record are read from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeyHash } from '../../../gateway/cases/idempotency-key.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { seedDraftItem } from '../../support/catalogue.ts';
import { plainRedis } from '../../support/redis.ts';

const redis = plainRedis();
let gw: ApiGateway;

beforeAll(async () => {
  // Not the default 7 days: the record's TTL below is seen to be this setting.
  gw = await startApiGateway({ GW_IDEMPOTENCY_TTL_SECONDS: '7200' }, { liveCatalogue: true });
});
afterAll(async () => {
  await gw.close();
  redis.disconnect();
});

type Json = Record<string, unknown>;
const DRAFTS = '/v1/admin/catalogue/drafts';
const keys = () => redisKeys(gw.config.keyPrefix).catalogue;
const draftCount = () => redis.zcard(keys().drafts);
let n = 0;
const newKey = () => `draft-key-${Date.now()}-${n++}`;

function create(body: unknown, key?: string, operator = 'operator-dev') {
  return gw
    .client(operator)
    .request<Json>('POST', DRAFTS, { json: body, headers: key ? { 'Idempotency-Key': key } : {} });
}

const calendar = (year: number, note = '') => ({
  kind: 'calendar',
  calendar: { year, source: 'test', holidays: [`${year}-10-01`], extraWorkingDays: [] },
  note,
});

describe('creating a catalogue draft with an Idempotency-Key', () => {
  it('answers the same key and body again with the first draft (201, Idempotent-Replayed: true, the same body) and stores one draft', async () => {
    const key = newKey();
    const body = { itemCode: 'SW-005', item: seedDraftItem('SW-005'), note: 'retried' };
    const before = await draftCount();
    const first = await create(body, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The body's keys in another order: the same canonical JSON, the same request.
    const again = await create(Object.fromEntries(Object.entries(body).reverse()), key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await draftCount()).toBe(before + 1);
    const recordKey = keys().draftIdempotency('operator-dev', idempotencyKeyHash(key));
    expect((await redis.get(recordKey))?.split(' ')[0]).toBe(first.body.draftId);
    const ttl = await redis.ttl(recordKey);
    expect(ttl).toBeLessThanOrEqual(7200);
    expect(ttl).toBeGreaterThan(7000);
  });

  it('refuses the same key with another body: 409 GW_IDEMPOTENCY_CONFLICT naming the first draft, nothing stored', async () => {
    const key = newKey();
    const first = await create(calendar(2031, 'first'), key);
    expect(first.status).toBe(201);
    const before = await draftCount();
    const other = await create(calendar(2031, 'changed note'), key);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('GW_IDEMPOTENCY_CONFLICT');
    expect(other.body.detail).toContain(first.body.draftId as string);
    expect(await draftCount()).toBe(before);
  });

  it('refuses a key that is not 8–128 visible ASCII characters with 400 GW_IDEMPOTENCY_KEY_REQUIRED, nothing stored', async () => {
    const before = await draftCount();
    for (const key of ['short', 'x'.repeat(129), 'has space in it']) {
      const res = await create(calendar(2032), key);
      expect(res.status, key).toBe(400);
      expect(res.body.code, key).toBe('GW_IDEMPOTENCY_KEY_REQUIRED');
    }
    expect(await draftCount()).toBe(before);
  });

  it('makes a new draft for every creation without a key, as before', async () => {
    const before = await draftCount();
    const first = await create(calendar(2033));
    const second = await create(calendar(2033));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.draftId).not.toBe(second.body.draftId);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(await draftCount()).toBe(before + 2);
  });

  it('stores one draft when the same key and body are sent twice at once, and answers both with it', async () => {
    const key = newKey();
    const before = await draftCount();
    const answers = await Promise.all([create(calendar(2034), key), create(calendar(2034), key)]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers[0].body.draftId).toBe(answers[1].body.draftId);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    expect(await draftCount()).toBe(before + 1);
  });

  it("keeps a key per operator: another operator's creation under the same key is a draft of its own", async () => {
    const key = newKey();
    const mine = await create(calendar(2035), key, 'operator-dev');
    const theirs = await create(calendar(2035), key, 'operator-dev-2');
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.draftId).not.toBe(mine.body.draftId);
    expect(theirs.body.author).toBe('operator-dev-2');
  });

  it('audits the replay as an ok creation that stored nothing, naming the draft', async () => {
    const key = newKey();
    const first = await create(calendar(2036), key);
    await create(calendar(2036), key);
    const entries = (await gw.services.audit.page({ action: 'catalogue.draft.create' })).items;
    const reasons = entries
      .filter((e) => e.outcome === 'ok' && e.reason?.includes(first.body.draftId as string))
      .map((e) => e.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        `draft ${first.body.draftId as string}`,
        `Idempotency-Key replayed: draft ${first.body.draftId as string}, nothing stored`,
      ]),
    );
  });
});
