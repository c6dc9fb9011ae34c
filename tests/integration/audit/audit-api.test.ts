// Operators' actions land in the audit chain over HTTP (gateway/README.md#audit-chain): dead-letter
// replays (ok, refused, failed), unmasked case reads with their reason, appeal decisions, requests
// refused for a missing right or the wrong client kind; GET /v1/admin/audit pages and filters them,
// refuses bad parameters with 400 problems, and its verification names an entry altered in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../gateway/audit/audit-log.ts';
import { replayDeadLetterAudited } from '../../../gateway/admin/dead-letters.ts';
import { readCaseAudited } from '../../../gateway/cases/read-case-audited.ts';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import {
  decideAppeal,
  evaluate,
  readRectification,
  rectificationEvent,
  reRate,
} from '../../support/evaluation-flow.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => {
  await gw?.close();
});

interface Page {
  items: AuditEntry[];
  nextCursor: string | null;
}

async function audit(query = '', operator = 'operator-dev') {
  return gw.client(operator).request<Page & { code?: string }>('GET', `/v1/admin/audit${query}`);
}

/** Every entry of the chain, page by page. */
async function allEntries(): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let after = '0';
  for (;;) {
    const res = await audit(`?limit=200&after=${after}`);
    expect(res.status).toBe(200);
    entries.push(...res.body.items);
    if (res.body.nextCursor === null) return entries;
    after = res.body.nextCursor;
  }
}

async function entriesFor(target: string) {
  return (await allEntries()).filter((e) => e.target === target);
}

/** A SW-005 case its province refused for good: a dead letter. */
async function deadLetter(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `audit-${Date.now()}-${Math.random()}`);
  const record = await gw.services.store.get(res.body.caseId);
  if (record?.kind !== 'single') throw new Error('not stored as a single case');
  const failed = await recordDeliveryFailed(gw.services.store, record, {
    adapterId: 'yn',
    reason: 'refused: -102',
  });
  expect(failed.ok).toBe(true);
  return record.id;
}

function replay(caseId: string, operator: string) {
  return gw
    .client(operator)
    .request<{ code?: string }>('POST', `/v1/admin/dead-letters/${caseId}/replay`);
}

describe('audited operator actions', () => {
  it('audits a replay refused for the missing right, the replay, and a replay that failed', async () => {
    const caseId = await deadLetter();
    const refused = await replay(caseId, 'operator-readonly');
    expect(refused.status).toBe(403);
    const done = await replay(caseId, 'operator-dev');
    expect(done.status).toBe(200);
    const again = await replay(caseId, 'operator-dev-2');
    expect([again.status, again.body.code]).toEqual([409, 'GW_ILLEGAL_TRANSITION']);

    const entries = await entriesFor(caseId);
    expect(entries).toEqual([
      expect.objectContaining({
        actor: 'operator-readonly',
        action: 'dead-letter.replay',
        outcome: 'refused',
        reason: 'This operation needs the replay right',
        requestId: refused.headers.get('x-request-id'),
      }),
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'dead-letter.replay',
        outcome: 'ok',
        requestId: done.headers.get('x-request-id'),
      }),
      expect.objectContaining({
        actor: 'operator-dev-2',
        outcome: 'failed',
        reason: expect.stringMatching(/^GW_ILLEGAL_TRANSITION: Only DELIVERY_FAILED/) as string,
      }),
    ]);
    expect(entries[1]!.seq).toBeGreaterThan(entries[0]!.seq);
  });

  it('audits an operator unmasked read with its X-Gw-Reason, and not the masked reads of others', async () => {
    const { caseId } = await submit(gw);
    const unmasked = await gw
      .client('operator-dev')
      .request<{ submission: { applicant: { name: string } } }>('GET', `/v1/cases/${caseId}`, {
        headers: { 'X-Gw-Reason': 'ticket OPS-42: applicant called' },
      });
    expect(unmasked.status).toBe(200);
    expect(unmasked.body.submission.applicant.name).not.toContain('*');
    const masked = await gw
      .client('operator-readonly')
      .getCase<{ submission: { applicant: { name: string } } }>(caseId);
    expect(masked.body.submission.applicant.name).toContain('*');
    expect((await gw.client('portal-sc').getCase(caseId)).status).toBe(200);
    const noReason = await gw.client('operator-dev-2').getCase(caseId);
    expect(noReason.status).toBe(200);

    expect(await entriesFor(caseId)).toEqual([
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'case.read-unmasked',
        outcome: 'ok',
        reason: 'ticket OPS-42: applicant called',
        requestId: unmasked.headers.get('x-request-id'),
      }),
      expect.objectContaining({
        actor: 'operator-dev-2',
        action: 'case.read-unmasked',
        reason: 'none given (API read without X-Gw-Reason)',
      }),
    ]);
  });

  it('masks an ID number and a mobile number an operator writes in X-Gw-Reason before the entry joins the chain, keeping the rest of the reason as written', async () => {
    const { caseId } = await submit(gw);
    const reason = '工单 OPS-51：申请人 110101199003074477 来电 138 0013 8000 核对';
    const read = await gw.client('operator-dev').request('GET', `/v1/cases/${caseId}`, {
      headers: { 'X-Gw-Reason': encodeURIComponent(reason) },
    });
    expect(read.status).toBe(200);
    expect((await entriesFor(caseId)).map((e) => e.reason)).toEqual([
      '工单 OPS-51：申请人 1101**********4477 来电 138 **** 8000 核对',
    ]);
    const verified = await gw
      .client('operator-dev')
      .request<{ ok: boolean }>('GET', '/v1/admin/audit/verification');
    expect(verified.body.ok).toBe(true);
  });

  it('pages the entries about one target alone with ?target=, what an operator asks of a case', async () => {
    const { caseId } = await submit(gw);
    const other = await submit(gw);
    for (const id of [caseId, other.caseId])
      await gw.client('operator-dev').request('GET', `/v1/cases/${id}`, {
        headers: { 'X-Gw-Reason': 'ticket OPS-77' },
      });
    const res = await audit(`?target=${caseId}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => [e.target, e.action])).toEqual([
      [caseId, 'case.read-unmasked'],
    ]);
    const bad = await audit('?target=%20x');
    expect(bad.status).toBe(400);
  });

  it('records a reason in Chinese sent percent-encoded or as raw UTF-8 bytes as the operator wrote it, and a value that is neither as sent', async () => {
    const { caseId } = await submit(gw);
    const reasons = {
      encoded: encodeURIComponent('工单 OPS-7：纳税人来电核对申报'),
      raw: Buffer.from('核对 100% 的申报', 'utf8').toString('latin1'),
      neither: '100% checked, see OPS-8',
    };
    for (const reason of Object.values(reasons)) {
      const read = await gw
        .client('operator-dev')
        .request('GET', `/v1/cases/${caseId}`, { headers: { 'X-Gw-Reason': reason } });
      expect(read.status).toBe(200);
    }
    expect((await entriesFor(caseId)).map((e) => e.reason)).toEqual([
      '工单 OPS-7：纳税人来电核对申报',
      '核对 100% 的申报',
      '100% checked, see OPS-8',
    ]);
  });

  it('audits appeal decisions, the refused one included, with the decision digest', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    const id = rated.body.rectification!.id;
    await rectificationEvent(gw, id, 'visited');
    await rectificationEvent(gw, id, 'appealed', 'the rating names another office');
    expect((await decideAppeal(gw, id, 'upheld', 'operator-readonly')).status).toBe(403);
    expect((await decideAppeal(gw, id, 'upheld')).body.status).toBe('VOIDED');

    const entries = await entriesFor(id);
    expect(entries).toEqual([
      expect.objectContaining({
        actor: 'operator-readonly',
        action: 'rectification.appeal-decision',
        outcome: 'refused',
      }),
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'rectification.appeal-decision',
        outcome: 'ok',
        digest: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      }),
    ]);
  });

  it('audits unmasked rectification reads, and a list page showing a re-rating comment', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const rated = await evaluate(gw, caseId, {
      level: 2,
      rated: 'handling',
      comment: '等了很久，回电 13812345678',
    });
    const id = rated.body.rectification!.id;
    await rectificationEvent(gw, id, 'visited');
    await rectificationEvent(gw, id, 'rectified');
    expect(
      (await reRate(gw, id, { level: 4, comment: '已经改好了，回电 13912345678' })).status,
    ).toBe(200);

    const detail = await gw
      .client('operator-dev')
      .request<{ evaluation: { comment: string } }>('GET', `/v1/rectifications/${id}`, {
        headers: { 'X-Gw-Reason': 'OPS-9 complaint review' },
      });
    expect(detail.body.evaluation.comment).toBe('等了很久，回电 13812345678');
    const masked = await readRectification<{ evaluation: { comment: string } }>(
      gw,
      id,
      'operator-readonly',
    );
    expect(masked.body.evaluation.comment).not.toContain('13812345678');
    const list = await gw
      .client('operator-dev-2')
      .request<{ items: { rectificationId: string }[] }>('GET', '/v1/rectifications?limit=200');
    expect(list.body.items.map((r) => r.rectificationId)).toContain(id);
    await gw.client('operator-readonly').request('GET', '/v1/rectifications?limit=200');

    const entries = await allEntries();
    expect(entries.filter((e) => e.target === id)).toEqual([
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'rectification.read-unmasked',
        outcome: 'ok',
        reason: 'OPS-9 complaint review',
        requestId: detail.headers.get('x-request-id'),
      }),
    ]);
    const listed = entries.filter((e) => e.action === 'rectification.list-unmasked');
    expect(listed).toEqual([
      expect.objectContaining({
        actor: 'operator-dev-2',
        reason: 'none given (API read without X-Gw-Reason)',
        requestId: list.headers.get('x-request-id'),
      }),
    ]);
    expect(listed[0]!.target.split(',')).toContain(id);
  });

  it('records the first 500 characters of a longer X-Gw-Reason for a case read, a rectification read and a rectification list page alike', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const rated = await evaluate(gw, caseId, { level: 2, rated: 'handling', comment: '太慢' });
    const id = rated.body.rectification!.id;
    await rectificationEvent(gw, id, 'visited');
    await rectificationEvent(gw, id, 'rectified');
    expect((await reRate(gw, id, { level: 4, comment: '已改好' })).status).toBe(200);
    const reason = `OPS-77 ${'r'.repeat(600)}`;
    const headers = { 'X-Gw-Reason': reason };
    const operator = gw.client('operator-dev');
    const reads = [
      await operator.request('GET', `/v1/cases/${caseId}`, { headers }),
      await operator.request('GET', `/v1/rectifications/${id}`, { headers }),
      await operator.request('GET', '/v1/rectifications?limit=200', { headers }),
    ];
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200]);

    const ids = new Set(reads.map((r) => r.headers.get('x-request-id')));
    const entries = (await allEntries()).filter((e) => ids.has(e.requestId));
    expect(entries.map((e) => [e.action, e.reason])).toEqual([
      ['case.read-unmasked', reason.slice(0, 500)],
      ['rectification.read-unmasked', reason.slice(0, 500)],
      ['rectification.list-unmasked', reason.slice(0, 500)],
    ]);
  });

  it('audits an operator refused for its client kind, but not a portal refused the same way', async () => {
    const asOperator = await gw
      .client('operator-dev')
      .submitCase(validExample('SW-005'), `audit-kind-${Date.now()}`);
    expect(asOperator.status).toBe(403);
    const asPortal = await gw.client('portal-sc').request('GET', '/v1/admin/dead-letters');
    expect(asPortal.status).toBe(403);
    const entries = await allEntries();
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'submitCase',
        target: '/v1/cases',
        outcome: 'refused',
        reason: 'This operation is for portal clients',
        requestId: asOperator.headers.get('x-request-id'),
      }),
    );
    expect(entries.map((e) => e.actor)).not.toContain('portal-sc');
  });
});

describe('the audited use cases the operator console calls', () => {
  const operator = (id: string) => gw.services.clients.get(id)!;
  const deps = () => ({ ...gw.services, caseViewParts: [] });

  it('refuses an unmasked read without a reason (400) or without the unmask right (403), audited', async () => {
    const { caseId } = await submit(gw);
    const log = gw.services.logger;
    const read = (id: string, unmask: boolean, reason?: string) =>
      readCaseAudited(deps(), {
        caseId,
        operator: operator(id),
        unmask,
        reason,
        requestId: `console-${id}-${unmask}`,
        log,
      });
    await expect(read('operator-dev', true, '  ')).rejects.toMatchObject({
      code: 'GW_INVALID_PARAMETER',
    });
    await expect(read('operator-readonly', true, 'curious')).rejects.toMatchObject({
      code: 'GW_FORBIDDEN',
    });
    const masked = (await read('operator-dev', false)) as { submission: { applicant: object } };
    expect(JSON.stringify(masked.submission.applicant)).toContain('*');
    const clear = (await read('operator-dev', true, 'OPS-7')) as typeof masked;
    expect(JSON.stringify(clear.submission.applicant)).not.toContain('*');

    expect(await entriesFor(caseId)).toEqual([
      expect.objectContaining({
        actor: 'operator-dev',
        outcome: 'refused',
        reason: 'An unmasked read needs a reason',
        requestId: 'console-operator-dev-true',
      }),
      expect.objectContaining({
        actor: 'operator-readonly',
        outcome: 'refused',
        reason: 'This operation needs the unmask right',
      }),
      expect.objectContaining({ actor: 'operator-dev', outcome: 'ok', reason: 'OPS-7' }),
    ]);
  });

  it('replays a dead letter under the operator id given, refusing one without the right', async () => {
    const caseId = await deadLetter();
    const request = (id: string) => ({
      caseId,
      operator: operator(id),
      requestId: `console-${id}`,
    });
    await expect(
      replayDeadLetterAudited(gw.services, request('operator-readonly')),
    ).rejects.toMatchObject({ code: 'GW_FORBIDDEN' });
    expect(await replayDeadLetterAudited(gw.services, request('operator-dev-2'))).toMatchObject({
      caseId,
      status: 'ROUTED',
    });
    expect((await entriesFor(caseId)).map((e) => [e.actor, e.outcome, e.requestId])).toEqual([
      ['operator-readonly', 'refused', 'console-operator-readonly'],
      ['operator-dev-2', 'ok', 'console-operator-dev-2'],
    ]);
  });
});

describe('GET /v1/admin/audit', () => {
  it('refuses an operator without audit:read, and audits the refusal', async () => {
    const res = await audit('', 'operator-readonly');
    expect([res.status, res.body.code]).toEqual([403, 'GW_FORBIDDEN']);
    expect(await allEntries()).toContainEqual(
      expect.objectContaining({
        actor: 'operator-readonly',
        action: 'audit.read',
        outcome: 'refused',
        requestId: res.headers.get('x-request-id'),
      }),
    );
  });

  it('pages with a cursor and filters by actor, action and outcome', async () => {
    const caseId = await deadLetter();
    await replay(caseId, 'operator-readonly');
    await replay(caseId, 'operator-dev-2');
    const all = await allEntries();
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));

    const first = await audit('?limit=2');
    expect(first.body.items.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.body.nextCursor).toBe('2');
    const second = await audit(`?limit=2&after=${first.body.nextCursor}`);
    expect(second.body.items.map((e) => e.seq)).toEqual([3, 4]);

    const byActor = await audit('?actor=operator-dev-2&limit=200');
    expect(byActor.body.items.length).toBeGreaterThan(0);
    expect(byActor.body.items.every((e) => e.actor === 'operator-dev-2')).toBe(true);
    const refusedReplays = await audit('?action=dead-letter.replay&outcome=refused&limit=200');
    expect(refusedReplays.body.items.map((e) => e.target)).toContain(caseId);
    expect(
      refusedReplays.body.items.every(
        (e) => e.action === 'dead-letter.replay' && e.outcome === 'refused',
      ),
    ).toBe(true);
  });

  it.each([
    ['?limit=500', '/query/limit'],
    ['?limit=0', '/query/limit'],
    ['?after=-1', '/query/after'],
    ['?after=abc', '/query/after'],
    ['?outcome=maybe', '/query/outcome'],
    ['?actor=NOT%20AN%20ID', '/query/actor'],
  ])('answers %s with 400 GW_INVALID_PARAMETER at %s', async (query, path) => {
    const res = await gw
      .client('operator-dev')
      .request<{ code: string; errors: { path: string }[] }>('GET', `/v1/admin/audit${query}`);
    expect([res.status, res.body.code]).toEqual([400, 'GW_INVALID_PARAMETER']);
    expect(res.body.errors.map((e) => e.path)).toContain(path);
  });

  it('verifies the chain, and names the entry altered in Redis', async () => {
    const ok = await gw
      .client('operator-dev')
      .request<{ ok: boolean; checked: number; brokenSeq?: number }>(
        'GET',
        '/v1/admin/audit/verification',
      );
    expect(ok.body).toMatchObject({ ok: true });
    expect(ok.body.checked).toBeGreaterThanOrEqual(5);

    const keys = redisKeys(gw.config.keyPrefix).audit;
    const redis = gw.services.redis;
    const stored = JSON.parse((await redis.hget(keys.entries, '3'))!) as AuditEntry;
    await redis.hset(keys.entries, '3', JSON.stringify({ ...stored, outcome: 'ok', reason: 'x' }));
    const broken = await gw
      .client('operator-dev')
      .request<{ ok: boolean; brokenSeq?: number }>('GET', '/v1/admin/audit/verification');
    expect(broken.body).toEqual({ ok: false, checked: 2, brokenSeq: 3 });
    await redis.hset(keys.entries, '3', JSON.stringify(stored));
  });
});
