// gateway/README.md#errors: with Redis unreachable, every route that needs it answers 503 with
// Retry-After within a second — never a hang, and never a 202 without the stored case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/private-redis.ts';
import { waitFor } from '../../support/redis.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

let redis: PrivateRedis | undefined;
let gw: ApiGateway | undefined;
afterAll(async () => {
  await gw?.close();
  await redis?.stop();
});

describe('Redis unreachable', () => {
  it('answers 503 with Retry-After within 1 s to a submission, a case read, a division lookup and a province event, each with a detail fitting what the request could have changed, warns at most once a second, and a retry with the same key then gives one case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swgw-down-'));
    redis = await startPrivateRedis({ dir, persistent: true });
    gw = await startApiGateway({}, { redisUrl: redis.url });
    const portal = gw.client('portal-sc');
    const accepted = await portal.submitCase<{ caseId: string }>(
      validExample('SW-005'),
      `down-ok-${Date.now()}`,
    );
    expect(accepted.status).toBe(202);

    await redis.stop();
    await waitFor(async () => (await fetch(`${gw!.url}/readyz`)).status === 503, {
      what: 'readyz 503',
    });

    const outageStarted = Date.now();
    const outageKey = `down-${Date.now()}`;
    const province = gw.client('province-sc');
    // What each 503 says fits what the request could have changed: a keyed write may have been
    // stored and its retry with the key is safe; a read changed nothing; another write may or may
    // not have taken effect, with no key to make its retry safe.
    const keyedWrite = [/may or may not have been stored/, /same Idempotency-Key/];
    const read = [/nothing was changed by this request/, /Retry-After/];
    const write = [/may or may not have taken effect/];
    const attempts: [
      () => Promise<{ status: number; body: unknown; headers: Headers }>,
      RegExp[],
    ][] = [
      [() => portal.submitCase(validExample('SW-005'), outageKey), keyedWrite],
      [() => portal.getCase(accepted.body.caseId), read],
      [() => portal.request('GET', '/v1/divisions/530323'), read],
      [
        () =>
          province.request('POST', `/v1/cases/${accepted.body.caseId}/events`, {
            json: { type: 'ACCEPTED' },
          }),
        write,
      ],
    ];
    for (const [attempt, says] of attempts) {
      const started = Date.now();
      const res = await attempt();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
      const { detail } = res.body as { detail: string };
      for (const wording of says) expect(detail).toMatch(wording);
      if (says !== keyedWrite) expect(detail).not.toMatch(/Idempotency-Key/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }

    // 60 more 503s: the warning is written at most once a second, with a count of the rest.
    const burst = await Promise.all(
      Array.from({ length: 60 }, () => portal.request('GET', '/v1/divisions/530323')),
    );
    expect(burst.every((r) => r.status === 503)).toBe(true);
    const warned = gw.logLines().filter((l) => l.msg === 'redis unavailable');
    const seconds = Math.ceil((Date.now() - outageStarted) / 1000);
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.length).toBeLessThanOrEqual(seconds + 1);

    redis = await startPrivateRedis({ dir, persistent: true, port: redis.port });
    await waitFor(async () => (await fetch(`${gw!.url}/readyz`)).status === 200, {
      what: 'ready again',
    });
    // The case accepted before the outage survived the restart (AOF).
    const again = await portal.getCase<{ status: string }>(accepted.body.caseId);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('ROUTED');

    // What the 503 promised: a retry with the same key gives one case, whatever the outage did.
    const retried = await portal.submitCase<{ caseId: string }>(validExample('SW-005'), outageKey);
    expect(retried.status).toBe(202);
    const replayed = await portal.submitCase<{ caseId: string }>(validExample('SW-005'), outageKey);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.caseId).toBe(retried.body.caseId);
  });
});
