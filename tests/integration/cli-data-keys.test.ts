// `npm run cli -- data-keys census | reseal` end to end (README.md#operator-cli,
// gateway/README.md#key-rotation): the CLI as a separate process against a gateway process that
// lists `k2,k1` (k2 current), with no Redis URL at all. Cases sealed under k1 (one with a result,
// one with a result stored in clear) are counted as needing k1, re-sealed under k2, and then k1 is
// said to be removable; a gateway listing only k2 reads them. An operator without the data-keys
// right is refused in one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample } from '../support/api-gateway.ts';
import { runCli, type CliRun } from '../support/cli-run.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { paidResult } from '../support/payment-results.ts';
import { ownRedis, plainRedis, uniquePrefix } from '../support/redis.ts';

const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
const idOf = (keys: string) => keys.split(':')[0]!;
const [k1, k2] = [idOf(K1), idOf(K2)];
const prefix = uniquePrefix('cli-keys');
const keys = redisKeys(prefix);
// The census walks every key of its Redis: this file's own, not the run's shared one.
const own = await ownRedis('cli-keys');
afterAll(() => own.stop());
const redis = plainRedis(own.url);
const ids: string[] = [];
const open: { close?: () => Promise<void>; stop?: () => Promise<void> }[] = [];
let gateway: GatewayProcess;

beforeAll(async () => {
  const old = await startApiGateway(
    { REDIS_URL: own.url, GW_KEY_PREFIX: prefix, GW_DATA_KEYS: K1 },
    { relay: false },
  );
  open.push(old);
  for (let i = 0; i < 3; i++) {
    const res = await old
      .client('portal-sc')
      .submitCase<{ caseId: string }>(validExample('SW-005'), `cli-keys-${Date.now()}-${i}`);
    expect(res.status).toBe(202);
    ids.push(res.body.caseId);
  }
  const decided = await old.client('province-yn').request('POST', `/v1/cases/${ids[0]}/events`, {
    json: { type: 'decided', at: new Date().toISOString(), result: paidResult() },
  });
  expect(decided.status).toBe(200);
  // A result stored in clear by a gateway before results were sealed.
  await redis.hset(keys.case(ids[1]!), 'status', 'DECIDED', 'result', JSON.stringify(paidResult()));
  gateway = await startGatewayProcess(prefix, { REDIS_URL: own.url, GW_DATA_KEYS: `${K2},${K1}` });
  open.push(gateway);
}, 60_000);
afterAll(async () => {
  for (const item of open.reverse()) await (item.close ?? item.stop)?.().catch(() => undefined);
  redis.disconnect();
});

/** The CLI as an operator types it: only the gateway's URL set, nothing of Redis. */
function run(args: string[]): Promise<CliRun> {
  return runCli(args, { GW_CLI_GATEWAY: gateway.url });
}

describe('data-keys over the operator API', () => {
  it('census: says k1 is still needed, by how many records, and counts the result in clear', async () => {
    const { code, stdout, stderr } = await run(['data-keys', 'census']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`current key ${k2}; listed ${k2}, ${k1}`);
    expect(stdout).toContain(`envelopes by key: ${k1} 3`);
    expect(stdout).toContain(`results by key: ${k1} 1`);
    expect(stdout).toContain('results in clear: 1');
    expect(stdout).toContain('callback results in clear: 0');
    expect(stdout).toContain(`${k1}: still needed: 4 records sealed under it`);
  });

  it('refuses an operator without the data-keys right in one line', async () => {
    const outcome = await run(['data-keys', 'reseal', '--operator', 'operator-readonly']);
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^GW_FORBIDDEN: This operation needs the data-keys right — operator-readonly may not do this/,
    );
    expect(await redis.hget(keys.case(ids[1]!), 'sealedResult')).toBeNull();
  });

  it('refuses a limit out of range before calling the gateway', async () => {
    const outcome = await run(['data-keys', 'census', '--limit', '0']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/--limit/);
  });

  it('reseal: re-seals under k2, seals the clear result, then says k1 can be removed', async () => {
    const { code, stdout, stderr } = await run(['data-keys', 'reseal', '--limit', '50']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(
      `re-sealed under ${k2}: 3 envelopes, 1 results, 0 comments, 0 history notes, 0 failure reasons, 0 callback results; 1 results, 0 failure reasons and 0 callback results stored in clear sealed`,
    );
    expect(stdout).toContain(`${k1}: no record sealed under it: can be removed`);
    expect(stdout).toContain(`envelopes by key: ${k2} 3`);

    const json = await run(['data-keys', 'census', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      envelopes: { [k2]: 3 },
      results: { [k2]: 2 },
      clearResults: 0,
      keys: [
        { keyId: k2, verdict: 'current', records: 5 },
        { keyId: k1, verdict: 'removable', records: 0 },
      ],
    });
  });

  it('leaves every case readable by a gateway that lists only k2', async () => {
    const only = await startApiGateway(
      { REDIS_URL: own.url, GW_KEY_PREFIX: prefix, GW_DATA_KEYS: K2 },
      { relay: false },
    );
    open.push(only);
    for (const id of ids) {
      const res = await only.client('operator-dev').getCase<{ submission: unknown }>(id);
      expect(res.status).toBe(200);
      expect(res.body.submission).toEqual(validExample('SW-005'));
    }
  });
});
