// The idempotency record of POST /v1/cases as stored (gateway/README.md#idempotency,
// gateway/README.md#lean-records): its compact name and value, and records of the legacy layout
// (the whole SHA-256 hex in the name and in the value) still answered until they expire.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../gateway/shared/canonical-json.ts';
import { newCaseId } from '../../../gateway/cases/case-id.ts';
import { shardOfCase } from '../../../gateway/shared/redis-keys.ts';
import type { SubmissionEnvelope } from '../../../gateway/catalogue/submission-envelope.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

let keySeq = 0;
const key = (label: string) => `${label}-${Date.now()}-${keySeq++}`;
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Accepted {
  caseId: string;
}

/** The shard the gateway has always chosen for a key: the hex digest's first 32 bits. */
function shardOf(idempotencyKey: string): number {
  return Number.parseInt(sha256Hex(idempotencyKey).slice(0, 8), 16) % gw.config.redisShards;
}

/** The record's name before the compact one, written out here as the previous gateway built it. */
function legacyName(idempotencyKey: string): string {
  const hex = sha256Hex(idempotencyKey);
  return `${gw.config.keyPrefix}:{s${shardOf(idempotencyKey)}}:idem:portal-sc:${hex}`;
}

/** The compact name, spelled out: the key hash's first 128 bits in base64url. */
function compactName(idempotencyKey: string): string {
  const compact = Buffer.from(sha256Hex(idempotencyKey).slice(0, 32), 'hex').toString('base64url');
  return `${gw.config.keyPrefix}:{s${shardOf(idempotencyKey)}}:idem:portal-sc:${compact}`;
}

/** Which of the key's two possible record names exist. */
async function idempotencyKeysOf(idempotencyKey: string): Promise<string[]> {
  const names = [compactName(idempotencyKey), legacyName(idempotencyKey)];
  const exists = await Promise.all(names.map((n) => gw.services.redis.exists(n)));
  return names.filter((_, i) => exists[i] === 1);
}

/**
 * Turns a record the gateway just stored into what the previous gateway stored for the same
 * submission: the legacy name, `<caseId> <sha256(canonical body) as 64 hex>`, the same TTL.
 */
async function makeLegacy(idempotencyKey: string, body: unknown): Promise<string> {
  const redis = gw.services.redis;
  const stored = await idempotencyKeysOf(idempotencyKey);
  expect(stored).toHaveLength(1);
  const name = stored[0]!;
  const caseId = (await redis.get(name))!.split(' ')[0]!;
  const ttl = await redis.ttl(name);
  await redis.del(name);
  await redis.set(legacyName(idempotencyKey), `${caseId} ${sha256Hex(canonicalJson(body))}`);
  await redis.expire(legacyName(idempotencyKey), ttl);
  return caseId;
}

describe('the idempotency record as stored', () => {
  it('is named by 22 base64url characters of the key hash, in the shard of the hex hash, and holds `<caseId> <16 base64url>` embedded (embstr)', async () => {
    const k = key('compact');
    const res = await gw.client('portal-sc').submitCase<Accepted>(validExample('SW-005'), k);
    expect(res.status).toBe(202);
    const names = await idempotencyKeysOf(k);
    expect(names).toEqual([compactName(k)]);
    expect(names[0]).toMatch(/:idem:portal-sc:[A-Za-z0-9_-]{22}$/);
    const redis = gw.services.redis;
    const value = await redis.get(names[0]!);
    expect(value).toMatch(/^[0-9A-HJKMNP-TV-Z]{26} [A-Za-z0-9_-]{16}$/);
    expect(value!.split(' ')[0]).toBe(res.body.caseId);
    // The first 96 bits of the canonical body's SHA-256.
    const bodyHash = createHash('sha256')
      .update(canonicalJson(validExample('SW-005')))
      .digest();
    expect(value!.split(' ')[1]).toBe(bodyHash.subarray(0, 12).toString('base64url'));
    // ≤ 44 bytes: stored with its object header in one allocation.
    expect(value!.length).toBeLessThanOrEqual(44);
    expect(await redis.call('OBJECT', 'ENCODING', names[0]!)).toBe('embstr');
    expect(await redis.ttl(names[0]!)).toBeGreaterThan(gw.config.idempotencyTtlSeconds - 60);
    // The case id names the same shard as the key hash's first 32 bits, as it always did.
    expect(shardOfCase(res.body.caseId)).toBe(shardOf(k));
  });

  it('answers a retry of a key stored under the legacy name and hash with the same 202 and Idempotent-Replayed: true', async () => {
    const k = key('legacy-replay');
    const portal = gw.client('portal-sc');
    const body = validExample('SW-005');
    const first = await portal.submitCase<Accepted>(body, k);
    expect(first.status).toBe(202);
    expect(await makeLegacy(k, body)).toBe(first.body.caseId);

    // Same content, keys in another order: the same canonical body.
    const reordered = Object.fromEntries(Object.entries(validExample('SW-005')).reverse());
    const retried = await portal.submitCase<Accepted>(reordered, k);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.get('location')).toBe(first.headers.get('location'));
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    // Answered from the legacy record: nothing new stored beside it.
    expect(await idempotencyKeysOf(k)).toEqual([legacyName(k)]);
  });

  it('refuses another body under a key stored under the legacy name with 409 GW_IDEMPOTENCY_CONFLICT', async () => {
    const k = key('legacy-conflict');
    const portal = gw.client('portal-sc');
    const body = validExample('SW-005');
    expect((await portal.submitCase<Accepted>(body, k)).status).toBe(202);
    const caseId = await makeLegacy(k, body);

    const other = validExample('SW-005');
    (other.payload as Record<string, unknown>).totalAmount = '1.00';
    const res = await portal.submitCase<{ code: string; detail: string }>(other, k);
    expect(res).toMatchObject({ status: 409, body: { code: 'GW_IDEMPOTENCY_CONFLICT' } });
    expect(res.body.detail).toContain(caseId);
    expect(await idempotencyKeysOf(k)).toEqual([legacyName(k)]);
  });

  it('writes nothing when a legacy record appears between the look-up and the write: the write answers it', async () => {
    // The write checks both names itself (create-case.lua), as a gateway of the previous version
    // may store the legacy record meanwhile during a rolling upgrade.
    const k = key('legacy-write');
    const portal = gw.client('portal-sc');
    const body = validExample('SW-005');
    const first = await portal.submitCase<Accepted>(body, k);
    await makeLegacy(k, body);
    const store = gw.services.store;
    const stored = (await store.get(first.body.caseId))!;
    const id = newCaseId(shardOf(k));
    const outcome = await store.create(
      {
        clientId: 'portal-sc',
        keyHash: sha256Hex(k),
        record: { id, requestHash: 'x' },
        legacyRequestHash: 'x'.repeat(64),
      },
      body as unknown as SubmissionEnvelope,
      [{ record: { ...stored, id } }],
    );
    expect(outcome).toEqual({
      created: false,
      existing: { id: first.body.caseId, requestHash: sha256Hex(canonicalJson(body)) },
    });
    expect(await store.get(id)).toBeUndefined();
    expect(await idempotencyKeysOf(k)).toEqual([legacyName(k)]);
  });

  it('with GW_IDEMPOTENCY_LEGACY_WRITE also writes the record the previous gateway looks up — legacy name, `<caseId> <64-hex request hash>`, the same TTL — and without it does not', async () => {
    const upgrading = await startApiGateway({ GW_IDEMPOTENCY_LEGACY_WRITE: 'true' });
    try {
      const redis = upgrading.services.redis;
      const k = key('legacy-write-on');
      const body = validExample('SW-005');
      const res = await upgrading.client('portal-sc').submitCase<Accepted>(body, k);
      expect(res.status).toBe(202);
      const hex = sha256Hex(k);
      const shard = Number.parseInt(hex.slice(0, 8), 16) % upgrading.config.redisShards;
      const legacy = `${upgrading.config.keyPrefix}:{s${shard}}:idem:portal-sc:${hex}`;
      // What the previous gateway reads: GET of this name, then '<caseId> <hex>' compared.
      expect(await redis.get(legacy)).toBe(`${res.body.caseId} ${sha256Hex(canonicalJson(body))}`);
      const ttl = await redis.ttl(legacy);
      expect(ttl).toBeGreaterThan(upgrading.config.idempotencyTtlSeconds - 60);
      expect(ttl).toBeLessThanOrEqual(upgrading.config.idempotencyTtlSeconds);
      // The upgraded gateway itself still answers from the compact record.
      const again = await upgrading.client('portal-sc').submitCase<Accepted>(body, k);
      expect(again.body.caseId).toBe(res.body.caseId);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    } finally {
      await upgrading.close();
    }
    // Off (the default, as `gw` runs): the compact record alone.
    const k = key('legacy-write-off');
    expect((await gw.client('portal-sc').submitCase(validExample('SW-005'), k)).status).toBe(202);
    expect(await idempotencyKeysOf(k)).toEqual([compactName(k)]);
  });
});
