// A province's result at rest (gateway/README.md#encryption-at-rest): sealed into the case hash's
// `sealedResult` field, so the raw hash holds none of it in clear (SW-005's debited account the
// case in point), and read back equal, masked for the portal as before. A result stored in clear
// before results were sealed still reads, and a new result replaces it. A sealed result with a
// changed byte, copied from another case or under a key not listed answers 500
// GW_CASE_DATA_UNREADABLE with a log line that says why and holds no personal data, while the case
// keeps moving (moves never open the result).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { failedResult, paidResult } from '../../support/payment-results.ts';
import { plainRedis, testDataKeys } from '../../support/redis.ts';

interface View {
  status: string;
  result: Record<string, unknown> | null;
}
interface Problem {
  code: string;
  detail: string;
}

let gw: ApiGateway;
const redis = plainRedis();
let n = 0;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => {
  await gw?.close();
  redis.disconnect();
});

const at = () => new Date().toISOString();
const hashKey = (caseId: string) => redisKeys(gw.config.keyPrefix).case(caseId);

/** A fresh SW-005 case for 师宗县, ROUTED to yn (no worker runs here). */
async function newCase(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `sealed-${Date.now()}-${n++}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

async function postEvent(caseId: string, body: unknown) {
  return gw
    .client('province-yn')
    .request<{ status: string }>('POST', `/v1/cases/${caseId}/events`, { json: body });
}

async function decided(result: Record<string, unknown>): Promise<string> {
  const caseId = await newCase();
  expect((await postEvent(caseId, { type: 'decided', at: at(), result })).status).toBe(200);
  return caseId;
}

function view(caseId: string, reader = 'portal-sc') {
  return gw.client(reader).getCase<View & Problem>(caseId);
}

/** The portal's view of a result: the bank account's last four digits only. */
function masked(paid: Record<string, unknown>): Record<string, unknown> {
  const account = paid.account as { accountNo: string };
  return {
    ...paid,
    account: { ...account, accountNo: `${'*'.repeat(15)}${account.accountNo.slice(-4)}` },
  };
}

const accountOf = (result: Record<string, unknown>) =>
  (result.account as { accountNo: string }).accountNo;

describe('a result sealed at rest', () => {
  it('keeps no part of the result in clear in the case hash: the account, the voucher, the outcome', async () => {
    const paid = paidResult();
    const caseId = await decided(paid);
    const raw = await redis.hgetallBuffer(hashKey(caseId));
    expect(Object.keys(raw)).toContain('sealedResult');
    expect(Object.keys(raw)).not.toContain('result');
    const bytes = Buffer.concat(Object.values(raw)).toString('latin1');
    for (const clear of [accountOf(paid), String(paid.taxVoucherNo), '"outcome"', 'paid'])
      expect(bytes).not.toContain(clear);
  });

  it('reads it back equal through the store, masked for the portal and whole for an operator with unmask', async () => {
    const paid = paidResult();
    const caseId = await decided(paid);
    const record = await gw.services.store.get(caseId);
    expect(record && gw.services.store.openResult(record)).toEqual(paid);
    const portal = await view(caseId);
    expect(portal.body.result).toEqual(masked(paid));
    expect(JSON.stringify(portal.body)).not.toContain(accountOf(paid));
    expect((await view(caseId, 'operator-dev')).body.result).toEqual(paid);
  });

  it('is sealed to its case: the same result seals to different text on two cases', async () => {
    const paid = paidResult();
    const [a, b] = [await decided(paid), await decided(paid)];
    const [sealedA, sealedB] = await Promise.all(
      [a, b].map((id) => redis.hget(hashKey(id), 'sealedResult')),
    );
    expect(sealedA).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(sealedA).not.toBe(sealedB);
  });
});

describe('a result stored in clear before results were sealed', () => {
  async function legacyCase(result: Record<string, unknown>): Promise<string> {
    const caseId = await newCase();
    // What a gateway of the previous version wrote for a decided event: the JSON, in `result`.
    await redis.hset(hashKey(caseId), 'status', 'DECIDED', 'result', JSON.stringify(result));
    return caseId;
  }

  it('still reads through the store and the API, masked as before', async () => {
    const failed = failedResult();
    const paid = paidResult();
    const [failedCase, paidCase] = [await legacyCase(failed), await legacyCase(paid)];
    const record = await gw.services.store.get(failedCase);
    expect(record && gw.services.store.openResult(record)).toEqual(failed);
    expect((await view(failedCase)).body).toMatchObject({
      status: 'DECIDED',
      result: masked(failed),
    });
    expect((await view(paidCase)).body.result).toEqual(masked(paid));
    expect((await view(paidCase, 'operator-dev')).body.result).toEqual(paid);
  });

  it('is replaced by a later result, which is sealed, and no longer kept in clear', async () => {
    const caseId = await legacyCase(failedResult());
    const paid = paidResult();
    const res = await postEvent(caseId, { type: 'result-delivered', at: at(), result: paid });
    expect(res.status).toBe(200);
    const raw = await redis.hgetall(hashKey(caseId));
    expect(raw.result).toBe('null');
    expect(raw.sealedResult).toBeDefined();
    expect(Object.values(raw).join('\n')).not.toContain(accountOf(paid));
    expect((await view(caseId, 'operator-dev')).body).toMatchObject({
      status: 'CLOSED',
      result: paid,
    });
  });
});

describe('a sealed result this gateway cannot open', () => {
  function expectUnreadable(
    res: Awaited<ReturnType<typeof view>>,
    caseId: string,
    problem: string,
    logs: Record<string, unknown>[],
  ) {
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('GW_CASE_DATA_UNREADABLE');
    expect(res.body.detail).toContain(caseId);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'stored result unreadable', caseId, problem }),
    );
  }

  it('answers a result with a changed byte with a clear 500, logs why without the result, and still moves the case', async () => {
    const paid = paidResult();
    const caseId = await decided(paid);
    const sealed = Buffer.from((await redis.hget(hashKey(caseId), 'sealedResult'))!, 'base64');
    sealed.writeUInt8(sealed.at(-1)! ^ 0x01, sealed.length - 1);
    await redis.hset(hashKey(caseId), 'sealedResult', sealed.toString('base64'));
    expectUnreadable(await view(caseId), caseId, 'tampered', gw.logLines());
    expect(JSON.stringify(gw.logLines())).not.toContain(accountOf(paid));
    // Moves never open the result: the province's next event is applied.
    const next = await postEvent(caseId, { type: 'result-delivered', at: at() });
    expect(next.status).toBe(200);
    expect(next.body.status).toBe('CLOSED');
  });

  it('refuses a sealed result copied from another case the same way', async () => {
    const from = await decided(paidResult());
    const onto = await decided(failedResult());
    const copied = (await redis.hget(hashKey(from), 'sealedResult'))!;
    await redis.hset(hashKey(onto), 'sealedResult', copied);
    expectUnreadable(await view(onto), onto, 'tampered', gw.logLines());
  });

  it('answers a result sealed under a key no longer listed with a clear 500 naming the key problem', async () => {
    // Another gateway seals the result under a key of its own; this one, without that key, can
    // still open the submission (sealed under the run's key) but not the result.
    const caseId = await newCase();
    const other = await startApiGateway(
      {
        GW_KEY_PREFIX: gw.config.keyPrefix,
        GW_DATA_KEYS: `${generateDataKeys('kx')},${testDataKeys()}`,
      },
      { data: gw.data, relay: false },
    );
    try {
      const res = await other.client('province-yn').request('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'decided', at: at(), result: paidResult() },
      });
      expect(res.status).toBe(200);
    } finally {
      await other.close();
    }
    expectUnreadable(await view(caseId), caseId, 'unknown-key', gw.logLines());
  });
});
