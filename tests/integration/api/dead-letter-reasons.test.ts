// A dead letter's failure reason is an adapter's error text, and a province may echo the applicant
// in it (gateway/README.md#personal-data). It is sealed at rest (cases/failure-reason.ts): in the
// case hash as `sealedFailureReason`, bound to its case, and as its history entry's sealed note, so
// no key under the gateway's prefix holds it in clear. It is opened where it is shown — the
// dead-letter list over the API, the console's dead-letter list and page, the case history —
// masked (personal-data/mask-free-text.ts) unless the reader may unmask: over the API an operator
// holding `unmask` reads it whole, the list audited as `dead-letter.list-unmasked`; on the console
// it stays masked until such an operator gives a reason (`dead-letter.read-unmasked`). A reason
// stored in clear before reasons were sealed still reads; a sealed one with a changed byte, or
// copied from another case, reads as the placeholder with a log line carrying no content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../gateway/audit/audit-log.ts';
import type { RoutedCase } from '../../../gateway/cases/case-record.ts';
import { UNREADABLE_FAILURE_REASON } from '../../../gateway/cases/failure-reason.ts';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { recordReplayed } from '../../../gateway/cases/record-replay.ts';
import { maskFreeText } from '../../../gateway/personal-data/mask-free-text.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { readCase, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { inClear, keysUnder, rawBytes } from '../../support/personal-scan.ts';
import { plainRedis } from '../../support/redis.ts';

const ID_NUMBER = '510104199001011234';
const PHONE = '13600136000';
const REASON = `refused: 申请人 ${ID_NUMBER} 电话 ${PHONE} 与登记不符`;
const MASKED = 'refused: 申请人 5101**********1234 电话 136****6000 与登记不符';
/** Stored in clear by the legacy tests: numbers of their own, so the scan of the first holds. */
const LEGACY_ID = '110101198503071236';
const LEGACY_REASON = `gave up after 5 attempts: 身份证 ${LEGACY_ID} 不一致`;

interface DeadLetterItem {
  caseId: string;
  reason?: string;
}

let gw: ApiGateway;
let caseId: string;
const redis = plainRedis();
beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  caseId = await failed(REASON);
});
afterAll(async () => {
  await gw?.close();
  redis.disconnect();
});

const keys = () => redisKeys(gw.config.keyPrefix);

async function routed(id: string): Promise<RoutedCase> {
  const record = await gw.services.store.get(id);
  if (record?.kind !== 'single') throw new Error(`${id} is not a single case`);
  return record;
}

/** A fresh case whose delivery failed for good with `reason`. */
async function failed(reason: string): Promise<string> {
  const { caseId: id } = await submit(gw);
  const moved = await recordDeliveryFailed(gw.services.store, await routed(id), {
    adapterId: 'yn',
    reason,
  });
  expect(moved.ok).toBe(true);
  return id;
}

async function listed(operator: string, headers: Record<string, string> = {}) {
  const res = await gw
    .client(operator)
    .request<{ items: DeadLetterItem[] }>('GET', '/v1/admin/dead-letters', { headers });
  expect(res.status).toBe(200);
  return res;
}

const reasonOf = async (id: string, operator: string) =>
  (await listed(operator)).body.items.find((d) => d.caseId === id)?.reason;

const auditEntries = async (action: string): Promise<AuditEntry[]> =>
  (await gw.services.audit.page({ action, limit: 200 })).items;

describe("a dead letter's failure reason at rest", () => {
  it('is in no key under the prefix in clear: neither the ID number nor the phone', async () => {
    const bytes = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
    expect(inClear(bytes, [ID_NUMBER, PHONE, '与登记不符'])).toEqual([]);
  });

  it('is held in the case hash as sealedFailureReason (base64), with no failureReason field', async () => {
    const [sealed, clear] = await redis.hmget(
      keys().case(caseId),
      'sealedFailureReason',
      'failureReason',
    );
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(clear).toBeNull();
  });

  it('is the sealed note of the DELIVERY_FAILED history entry, with no note in clear', async () => {
    const entries = (await redis.lrange(keys().history(caseId), 0, -1)).map(
      (e) => JSON.parse(e) as { status: string; note?: string; sealedNote?: string },
    );
    const failure = entries.find((e) => e.status === 'DELIVERY_FAILED');
    expect(failure).toMatchObject({ sealedNote: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    expect(failure).not.toHaveProperty('note');
  });
});

describe("a dead letter's failure reason over the API", () => {
  it('is listed masked to an operator without unmask, and the list is not audited', async () => {
    const before = (await auditEntries('dead-letter.list-unmasked')).length;
    expect(await reasonOf(caseId, 'operator-readonly')).toBe(MASKED);
    expect((await auditEntries('dead-letter.list-unmasked')).length).toBe(before);
  });

  it('is listed whole to an operator with unmask, the list audited as dead-letter.list-unmasked with X-Gw-Reason', async () => {
    const res = await listed('operator-dev', { 'X-Gw-Reason': 'OPS-12 province complaint' });
    expect(res.body.items.find((d) => d.caseId === caseId)?.reason).toBe(REASON);
    const entry = (await auditEntries('dead-letter.list-unmasked')).find(
      (e) => e.requestId === res.headers.get('x-request-id'),
    );
    expect(entry).toMatchObject({
      actor: 'operator-dev',
      outcome: 'ok',
      reason: 'OPS-12 province complaint',
    });
    expect(entry!.target.split(',')).toContain(caseId);
    expect(JSON.stringify(entry)).not.toContain(ID_NUMBER);
  });

  it("reads as the case history's note masked to an operator without unmask, whole to one with it", async () => {
    type View = { history: { status: string; note?: string }[] };
    const noteOf = async (reader: string) =>
      (await readCase<View>(gw, caseId, reader)).history.find((h) => h.status === 'DELIVERY_FAILED')
        ?.note;
    expect(await noteOf('operator-readonly')).toBe(MASKED);
    expect(await noteOf('operator-dev')).toBe(REASON);
  });
});

describe("a dead letter's failure reason on the console", () => {
  it('is shown masked on the list, the page and the replay confirmation, also to an operator with unmask', async () => {
    for (const who of ['operator-readonly', 'operator-dev']) {
      const operator = new ConsoleClient(gw.url);
      expect((await operator.signIn(who)).status).toBe(303);
      const pages = ['/console/dead-letters', `/console/dead-letters/${caseId}`];
      if (who === 'operator-dev') pages.push(`/console/dead-letters/${caseId}/replay`);
      for (const page of pages) {
        const res = await operator.get(page);
        expect(res.status, `${who} ${page}`).toBe(200);
        expect(res.text, `${who} ${page}`).toContain('5101**********1234');
        expect(res.text, `${who} ${page}`).not.toContain(ID_NUMBER);
        expect(res.text, `${who} ${page}`).not.toContain(PHONE);
      }
    }
  });

  it('is shown whole on the page once an operator with unmask gives a reason, audited as dead-letter.read-unmasked', async () => {
    const dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
    const masked = await dev.get(`/console/dead-letters/${caseId}`);
    expect(masked.text).toContain('id="unmask-form"');
    const csrf = ConsoleClient.csrfOf(masked.text);
    const noReason = await dev.post(`/console/dead-letters/${caseId}/unmask`, {
      _csrf: csrf,
      reason: ' ',
    });
    expect(noReason.status).toBe(400);
    const unmasked = await dev.postThenGet(`/console/dead-letters/${caseId}/unmask`, {
      _csrf: csrf,
      reason: '核实省级退件原因',
    });
    expect(unmasked.status).toBe(200);
    expect(unmasked.text).toContain('id="unmasked-banner"');
    // The failure and the timeline's note of the same failure.
    expect(unmasked.text.split(ID_NUMBER).length - 1).toBe(2);
    expect(await auditEntries('dead-letter.read-unmasked')).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        target: caseId,
        outcome: 'ok',
        reason: '核实省级退件原因',
      }),
    );
  });

  it('refuses the unmasked page to an operator without unmask, audited as refused, with no form offered', async () => {
    const readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
    const page = await readonly.get(`/console/dead-letters/${caseId}`);
    expect(page.text).not.toContain('id="unmask-form"');
    const refused = await readonly.post(`/console/dead-letters/${caseId}/unmask`, {
      _csrf: ConsoleClient.csrfOf(page.text),
      reason: '想看看原文',
    });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(ID_NUMBER);
    expect(await auditEntries('dead-letter.read-unmasked')).toContainEqual(
      expect.objectContaining({ actor: 'operator-readonly', target: caseId, outcome: 'refused' }),
    );
  });
});

describe('a failure reason stored in clear before reasons were sealed, or one this gateway cannot open', () => {
  it('reads a reason stored in clear (a rolling upgrade): masked without unmask, whole with it', async () => {
    const id = await failed('any');
    // What a gateway of the previous version wrote: the reason in clear in `failureReason`.
    await redis.hdel(keys().case(id), 'sealedFailureReason');
    await redis.hset(keys().case(id), 'failureReason', LEGACY_REASON);
    expect(await reasonOf(id, 'operator-readonly')).toBe(maskFreeText(LEGACY_REASON));
    expect(await reasonOf(id, 'operator-readonly')).not.toContain(LEGACY_ID);
    expect(await reasonOf(id, 'operator-dev')).toBe(LEGACY_REASON);
  });

  it('blanks a reason stored in clear when the case fails again, the new one sealed', async () => {
    const id = await failed('any');
    await redis.hdel(keys().case(id), 'sealedFailureReason');
    await redis.hset(keys().case(id), 'failureReason', LEGACY_REASON);
    const store = gw.services.store;
    expect((await recordReplayed(store, await routed(id), 'operator-dev')).ok).toBe(true);
    expect(
      (await recordDeliveryFailed(store, await routed(id), { adapterId: 'yn', reason: REASON })).ok,
    ).toBe(true);
    const [sealed, clear] = await redis.hmget(
      keys().case(id),
      'sealedFailureReason',
      'failureReason',
    );
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(clear).toBe('');
    expect(await reasonOf(id, 'operator-dev')).toBe(REASON);
  });

  it('reads a sealed reason with a changed byte as the placeholder, with a log line that says why without the reason', async () => {
    const id = await failed(REASON);
    const bytes = Buffer.from(
      (await redis.hget(keys().case(id), 'sealedFailureReason'))!,
      'base64',
    );
    bytes.writeUInt8(bytes.at(-1)! ^ 0x01, bytes.length - 1);
    await redis.hset(keys().case(id), 'sealedFailureReason', bytes.toString('base64'));
    for (const operator of ['operator-readonly', 'operator-dev']) {
      expect(await reasonOf(id, operator), operator).toBe(UNREADABLE_FAILURE_REASON);
    }
    expect(gw.logLines()).toContainEqual(
      expect.objectContaining({
        msg: 'failure reason unreadable',
        caseId: id,
        problem: 'tampered',
      }),
    );
    expect(JSON.stringify(gw.logLines())).not.toContain(ID_NUMBER);
    const readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
    const page = await readonly.get(`/console/dead-letters/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(UNREADABLE_FAILURE_REASON);
  });

  it('reads a sealed reason copied from another case as the placeholder', async () => {
    const onto = await failed('refused: 材料不全');
    const foreign = await redis.hget(keys().case(caseId), 'sealedFailureReason');
    await redis.hset(keys().case(onto), 'sealedFailureReason', foreign!);
    expect(await reasonOf(onto, 'operator-dev')).toBe(UNREADABLE_FAILURE_REASON);
    expect(gw.logLines()).toContainEqual(
      expect.objectContaining({
        msg: 'failure reason unreadable',
        caseId: onto,
        problem: 'tampered',
      }),
    );
  });

  it("reads the same case's sealed failure note copied onto the reason's field as the placeholder (bound to the field)", async () => {
    const id = await failed('refused: 材料不全');
    // The same text of the same case, sealed under the same key, in another record's context.
    const entries = await redis.lrange(keys().history(id), 0, -1);
    const note = entries
      .map((e) => JSON.parse(e) as { sealedNote?: string })
      .find((e) => e.sealedNote)?.sealedNote;
    await redis.hset(keys().case(id), 'sealedFailureReason', note!);
    expect(await reasonOf(id, 'operator-dev')).toBe(UNREADABLE_FAILURE_REASON);
  });
});
