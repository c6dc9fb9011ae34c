// Issue 12, defects 1 and 9 (gateway/README.md#personal-data): every item's valid examples are
// submitted through the real gateway and read back by the submitting portal — no personal value
// comes back in clear, by the item's annotations or by its shape; an operator with the unmask
// right reads the original; and neither Redis (every key a case created, raw bytes) nor the log
// holds any personal value in clear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../../../gateway/shared/canonical-json.ts';
import type { PersonalLocations } from '../../../gateway/personal-data/personal-locations.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { readSchemaFile } from '../../../gateway/catalogue/create-ajv.ts';
import {
  inClear,
  keysUnder,
  personalShapes,
  portalFor,
  rawBytes,
  secretsOf,
  taxAuthorityCodes,
} from '../../support/personal-scan.ts';
import { plainRedis } from '../../support/redis.ts';

/** A value that cannot turn up by chance in a timestamp, an id or an English word. */
function distinctive(value: string): boolean {
  return /\p{Script=Han}/u.test(value) || value.length >= 6;
}

interface Submitted {
  label: string;
  body: Record<string, unknown>;
  portal: string;
  idempotencyKey: string;
  caseId: string;
  secrets: string[];
  /** Its tax authority codes, shaped like mobile numbers but not personal. */
  codes: Set<string>;
}

let gw: ApiGateway;
let redis: Redis;
const submitted: Submitted[] = [];

beforeAll(async () => {
  gw = await startApiGateway();
  redis = plainRedis();
  const { registry } = gw.services;
  const defs = readSchemaFile('defs.schema.json');
  for (const item of registry.items()) {
    const compiled = registry.compiledItem(item.code, item.version)!;
    compiled.examples.valid.forEach((example, i) => {
      const body = structuredClone(example) as Record<string, unknown>;
      // A callback URL too, so the callback jobs the case queues are searched as well.
      body.callbackUrl = 'http://127.0.0.1:9/hooks';
      const personal: PersonalLocations = compiled.personal;
      submitted.push({
        label: `${item.code} valid[${i}]`,
        body,
        portal: portalFor(String(body.receivingRegion)),
        idempotencyKey: `personal-${item.code}-${i}-${Date.now()}`,
        caseId: '',
        secrets: secretsOf(body, personal),
        codes: taxAuthorityCodes(body, compiled.schema, defs),
      });
    });
  }
  for (const s of submitted) {
    const res = await gw.client(s.portal).submitCase<{ caseId: string }>(s.body, s.idempotencyKey);
    expect(res.status, `${s.label}: ${JSON.stringify(res.body)}`).toBe(202);
    s.caseId = res.body.caseId;
  }
}, 120_000);
afterAll(async () => {
  redis.disconnect();
  await gw.close();
});

describe('personal data of every item, read back', () => {
  it('submits every valid example and finds personal values to look for in each', () => {
    expect(submitted.length).toBeGreaterThanOrEqual(148);
    const withSecrets = submitted.filter((s) => s.secrets.length > 0);
    // Every envelope has an applicant name at least.
    expect(withSecrets).toHaveLength(submitted.length);
  });

  it('shows the submitting portal no personal value in clear, by annotation or by shape', async () => {
    const leaks: string[] = [];
    for (const s of submitted) {
      const res = await gw.client(s.portal).getCase<Record<string, unknown>>(s.caseId);
      expect(res.status, s.label).toBe(200);
      const text = JSON.stringify(res.body);
      for (const secret of inClear(text, s.secrets)) leaks.push(`${s.label}: ${secret}`);
      for (const shape of personalShapes(res.body, s.codes))
        leaks.push(`${s.label}: shaped ${shape}`);
    }
    expect(leaks).toEqual([]);
  });

  it('shows an operator with the unmask right the submission exactly as it was sent', async () => {
    for (const s of submitted) {
      const res = await gw
        .client('operator-dev')
        .getCase<{ submission: Record<string, unknown> }>(s.caseId);
      expect(res.body.submission, s.label).toEqual(s.body);
    }
  });

  it('shows an operator without the unmask right only masked values', async () => {
    const sample = submitted.filter((_, i) => i % 10 === 0);
    for (const s of sample) {
      const res = await gw.client('operator-readonly').getCase<Record<string, unknown>>(s.caseId);
      expect(inClear(JSON.stringify(res.body), s.secrets), s.label).toEqual([]);
    }
  });
});

describe('personal data at rest', () => {
  it('keeps no personal value in clear in any key a case created: hash, history, events, sealed envelope, idempotency, job', async () => {
    const keys = redisKeys(gw.config.keyPrefix);
    const leaks: string[] = [];
    for (const s of submitted) {
      const own = [
        keys.case(s.caseId),
        keys.history(s.caseId),
        keys.events(s.caseId),
        keys.envelope(s.caseId),
        keys.idempotency(s.portal, sha256Hex(s.idempotencyKey)),
      ];
      const jobs = await keysUnder(redis, `${gw.config.keyPrefix}:bull:*:${s.caseId}`);
      const bytes = await rawBytes(redis, [...own, ...jobs]);
      expect(bytes.length, s.label).toBeGreaterThan(0);
      for (const secret of inClear(bytes, s.secrets)) leaks.push(`${s.label}: ${secret}`);
      const lines = bytes.toString('latin1').split('\n');
      for (const shape of personalShapes(lines, s.codes)) leaks.push(`${s.label}: shaped ${shape}`);
    }
    expect(leaks).toEqual([]);
  });

  it('keeps no longer personal value in clear anywhere under the prefix (queues, callbacks, outbox)', async () => {
    const everything = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
    // Short values (a room number, a two-letter given name) match timestamps and ids by chance.
    const long = [...new Set(submitted.flatMap((s) => s.secrets))].filter(distinctive);
    expect(long.length).toBeGreaterThan(300);
    expect(inClear(everything, long)).toEqual([]);
  });

  it('writes no personal value into the log', () => {
    const log = JSON.stringify(gw.logLines());
    const secrets = [...new Set(submitted.flatMap((s) => s.secrets))].filter(distinctive);
    expect(inClear(log, secrets)).toEqual([]);
  });
});

describe('refused submissions', () => {
  it('log no personal value of the envelopes they refuse', async () => {
    const { registry } = gw.services;
    const secrets = new Set<string>();
    let refused = 0;
    for (const item of registry.items()) {
      const compiled = registry.compiledItem(item.code, item.version)!;
      for (const [i, example] of compiled.examples.invalid.entries()) {
        const body = example.envelope as Record<string, unknown>;
        // An invalid example may break the region itself: any portal can be refused for that.
        const region = typeof body.receivingRegion === 'string' ? body.receivingRegion : '510104';
        const portal = portalFor(/^(45|5[0-4])/.test(region) ? region : '510104');
        const res = await gw
          .client(portal)
          .submitCase(body, `refused-${item.code}-${i}-${Date.now()}`);
        expect(res.status, `${item.code} invalid[${i}]`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${item.code} invalid[${i}]`).toBeLessThan(500);
        refused++;
        for (const secret of secretsOf(body, compiled.personal)) secrets.add(secret);
      }
    }
    expect(refused).toBeGreaterThanOrEqual(148);
    expect(secrets.size).toBeGreaterThan(100);
    // Error codes and messages are English words: a two-letter pinyin name is in GW_PAYLOAD_INVALID.
    expect(inClear(JSON.stringify(gw.logLines()), [...secrets].filter(distinctive))).toEqual([]);
  });
});

describe('refused requests', () => {
  it('log a path that holds an ID number with the number masked, as a case id asked for and as a path of no route', async () => {
    const idNumber = '11010519491231002X';
    const asCaseId = await gw.client('portal-sc').request('GET', `/v1/cases/${idNumber}`);
    const noRoute = await gw.client('portal-sc').request('GET', `/v1/people/${idNumber}/cases`);
    expect(asCaseId.status).toBeGreaterThanOrEqual(400);
    expect(noRoute.status).toBe(404);
    const paths = gw
      .logLines()
      .filter((line) => line.msg === 'request')
      .map((line) => String(line.path))
      .filter((path) => path.startsWith('/v1/cases/1101') || path.startsWith('/v1/people/'));
    expect(paths).toEqual(['/v1/cases/1101**********002X', '/v1/people/1101**********002X/cases']);
    expect(JSON.stringify(gw.logLines())).not.toContain(idNumber);
  });
});
