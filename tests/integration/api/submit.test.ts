// POST /v1/cases (gateway/README.md#submission, gateway/README.md#outbox-rule) against a real Redis
// and real BullMQ queues.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../../gateway/cases/reconciler.ts';
import { relayBatch } from '../../../gateway/queues/outbox-relay.ts';
import { redisKeys, routeQueueName, shardOfCase } from '../../../gateway/shared/redis-keys.ts';
import { waitFor } from '../../support/redis.ts';
import {
  startApiGateway,
  sw005In,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

let keySeq = 0;
const key = (label: string) => `${label}-${Date.now()}-${keySeq++}`;

interface Accepted {
  caseId: string;
  status: string;
  phase: { key: string; zh: string };
  route: { adapter: string; targetRegion: string; level: string; children?: unknown[] };
  links: { self: string };
}
interface Problem {
  code: string;
  detail?: string;
  errors?: { path: string; message: string; messageZh: string }[];
}

// A joint item's example, received in 四川 so portal-sc may collect it.
function jointExample(): Record<string, unknown> {
  const example = validExample('RS-006');
  expect(example.mode).toBe('joint');
  return { ...example, receivingRegion: '510104' };
}

function queue(adapter: string) {
  const name = routeQueueName(adapter);
  return new Queue(name, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(name),
  });
}

/** The job the outbox relay queues for a stored case, once it is there. */
async function queuedJob(adapter: string, caseId: string) {
  const job = await waitFor(() => queue(adapter).getJob(caseId), { what: `job ${caseId}` });
  return job!;
}

describe('submitting a case', () => {
  it('accepts the SW-005 remote tax payment for 师宗县 from a 四川 portal: 202, stored, job waiting on route-yn', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase<Accepted>(validExample('SW-005'), key('flagship'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'ROUTED',
      phase: { key: 'dispatch', zh: '分流' },
      itemCode: 'SW-005',
      itemVersion: 1,
      route: { adapter: 'yn', targetRegion: '530323', level: 'county' },
    });
    const id = res.body.caseId;
    expect(res.headers.get('location')).toBe(`/v1/cases/${id}`);
    const stored = await gw.services.store.get(id);
    expect(stored).toMatchObject({ status: 'ROUTED', clientId: 'portal-sc', adapters: ['yn'] });
    const history = await gw.services.store.history(id);
    expect(history.map((h) => h.status)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED']);
    // The relay turns the outbox entry into the job.
    const job = await queuedJob('yn', id);
    expect(job.data).toEqual({ caseId: id });
    expect(await job.getState()).toBe('waiting');
  });

  it('logs "case accepted" through the request\'s logger: the line carries the request id', async () => {
    const requestId = `req-accepted-${Date.now()}`;
    const res = await gw.client('portal-sc').request<Accepted>('POST', '/v1/cases', {
      json: validExample('SW-005'),
      headers: { 'Idempotency-Key': key('logged'), 'X-Request-Id': requestId },
    });
    expect(res.status).toBe(202);
    const accepted = gw
      .logLines()
      .filter((l) => l.msg === 'case accepted' && l.caseId === res.body.caseId);
    expect(accepted).toEqual([expect.objectContaining({ requestId, itemCode: 'SW-005' })]);
  });

  it('answers the same key and body with the same 202 and Idempotent-Replayed: true', async () => {
    const k = key('replay');
    const first = await gw.client('portal-sc').submitCase<Accepted>(validExample('SW-005'), k);
    // Same content, keys in another order: still the same body.
    const reordered = Object.fromEntries(Object.entries(validExample('SW-005')).reverse());
    const second = await gw.client('portal-sc').submitCase<Accepted>(reordered, k);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers the same key with another body with 409 GW_IDEMPOTENCY_CONFLICT', async () => {
    const k = key('conflict');
    expect((await gw.client('portal-sc').submitCase(validExample('SW-005'), k)).status).toBe(202);
    const other = validExample('SW-005');
    (other.payload as Record<string, unknown>).totalAmount = '1.00';
    const res = await gw.client('portal-sc').submitCase<Problem>(other, k);
    expect(res).toMatchObject({ status: 409, body: { code: 'GW_IDEMPOTENCY_CONFLICT' } });
  });

  it('creates exactly one case and one job from 50 parallel submissions with one key', async () => {
    const k = key('parallel');
    const client = gw.client('portal-sc');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.submitCase<Accepted>(validExample('SW-005'), k)),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    const ids = new Set(results.map((r) => r.body.caseId));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await queuedJob('yn', id!);
    const jobs = await queue('yn').getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.filter((j) => j.id === id)).toHaveLength(1);
    const idemKeys = await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:idem:portal-sc:*`);
    const records = await Promise.all(idemKeys.map((k2) => gw.services.redis.get(k2)));
    expect(records.filter((r) => r?.includes(id!))).toHaveLength(1);
  });

  it('gives each of 40 parallel submissions of one portal its own case and each caller its own answer', async () => {
    // Their nonce, rate-limit, idempotency and create commands leave in shared socket writes
    // (auto-pipelining, shared/redis.ts): every answer must still reach its own request.
    const client = gw.client('portal-sc');
    const keys = Array.from({ length: 40 }, (_, i) => key(`own-${i}`));
    const results = await Promise.all(
      keys.map((k) => client.submitCase<Accepted>(validExample('SW-005'), k)),
    );
    expect(results.map((r) => r.status)).toEqual(keys.map(() => 202));
    const ids = results.map((r) => r.body.caseId);
    expect(new Set(ids).size).toBe(40);
    const again = await Promise.all(
      keys.map((k) => client.submitCase<Accepted>(validExample('SW-005'), k)),
    );
    expect(again.map((r) => r.body.caseId)).toEqual(ids);
    expect(again.every((r) => r.headers.get('idempotent-replayed') === 'true')).toBe(true);
  });

  it('requires an Idempotency-Key of 8–128 characters', async () => {
    const res = await gw
      .client('portal-sc')
      .request<Problem>('POST', '/v1/cases', { json: validExample('SW-005') });
    expect(res).toMatchObject({ status: 400, body: { code: 'GW_IDEMPOTENCY_KEY_REQUIRED' } });
    const short = await gw.client('portal-sc').submitCase<Problem>(validExample('SW-005'), 'short');
    expect(short.status).toBe(400);
    // The detail says which rule the key broke (a client written from the README alone could not
    // tell a missing key from a short one or one with a space).
    const rule = 'Idempotency-Key must be 8–128 visible ASCII characters (no space)';
    expect(res.body.detail).toBe(
      `${rule}: the request has none; send your order number, the same on every try`,
    );
    expect(short.body.detail).toBe(`${rule}: this one has 5`);
    const spaced = await gw
      .client('portal-sc')
      .submitCase<Problem>(validExample('SW-005'), 'order 2026 0001');
    expect(spaced.body.detail).toBe(
      `${rule}: this one holds a space, a control character or a character outside ASCII`,
    );
  });

  it('refuses a credit code with a wrong check character with 422 pointing at it', async () => {
    const body = validExample('SW-005');
    (body.applicant as Record<string, unknown>).creditCode = '91510104MA6CXY120H';
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('bad-credit'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_IDENTIFIER_INVALID');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/applicant/creditCode',
        message: expect.stringMatching(/check character should be G/),
        messageZh: expect.stringMatching(/校验位/),
      }),
    ]);
  });

  it('reports every payload problem of the stage together, with Chinese messages', async () => {
    const body = validExample('SW-005');
    const payload = body.payload as Record<string, unknown>;
    payload.totalAmount = '12.345';
    delete payload.agreementNo;
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('payload'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    const paths = res.body.errors!.map((e) => e.path).sort();
    expect(paths).toEqual(['/payload/agreementNo', '/payload/totalAmount']);
    expect(res.body.errors!.every((e) => /[\u4e00-\u9fa5]/u.test(e.messageZh))).toBe(true);
  });

  it('refuses an unknown item with 404 GW_ITEM_NOT_FOUND', async () => {
    const body = { ...validExample('SW-005'), itemCode: 'SW-999' };
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('unknown-item'));
    expect(res).toMatchObject({ status: 404, body: { code: 'GW_ITEM_NOT_FOUND' } });
  });

  const refusals: [string, (b: Record<string, unknown>) => void, string, string][] = [
    [
      'a retired division code',
      (b) => (b.handlingRegion = '530321'),
      'GW_DIVISION_UNKNOWN',
      '/handlingRegion',
    ],
    [
      'a 12-digit statistical code',
      (b) => (b.handlingRegion = '530323101001'),
      'GW_DIVISION_UNKNOWN',
      '/handlingRegion',
    ],
    [
      'a non-member region (北京)',
      (b) => (b.handlingRegion = '110105'),
      'GW_NOT_MEMBER',
      '/handlingRegion',
    ],
    [
      'a non-member region (深圳)',
      (b) => (b.handlingRegion = '440305'),
      'GW_NOT_MEMBER',
      '/handlingRegion',
    ],
    [
      'a same-province case',
      (b) => Object.assign(b, sw005In('510722', '15107220000')),
      'GW_NOT_CROSS_PROVINCE',
      '/handlingRegion',
    ],
    [
      'a region coarser than the item level',
      (b) => (b.handlingRegion = '530300'),
      'GW_REGION_TOO_COARSE',
      '/handlingRegion',
    ],
    ['a mode the item lacks', (b) => (b.mode = 'proxy'), 'GW_MODE_NOT_OFFERED', '/mode'],
    [
      'a receiving region outside the portal province',
      (b) => (b.receivingRegion = '500103'),
      'GW_REGION_NOT_COLLECTABLE',
      '/receivingRegion',
    ],
  ];
  it.each(refusals)(
    'refuses %s with %s at %s and stores nothing',
    async (_label, change, code, path) => {
      const before = await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`);
      const body = validExample('SW-005');
      change(body);
      const res = await gw.client('portal-sc').submitCase<Problem>(body, key('refusal'));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(code);
      expect(res.body.errors?.[0]?.path).toBe(path);
      const after = await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`);
      expect(after.length).toBe(before.length);
    },
  );

  it("splits a joint case into one child per party, each a job of its own on its adapter's queue", async () => {
    const res = await gw.client('portal-sc').submitCase<Accepted>(jointExample(), key('joint'));
    expect(res.status).toBe(202);
    const children = res.body.route.children as { caseId: string; adapter: string }[];
    expect(children.length).toBeGreaterThanOrEqual(2);
    for (const child of children) {
      const job = await queuedJob(child.adapter, child.caseId);
      expect(job.data).toEqual({ caseId: child.caseId });
      // No BullMQ flow parent: the parent follows its children in their moves.
      expect(job.parentKey).toBeUndefined();
      expect(await gw.services.store.get(child.caseId)).toMatchObject({
        parentId: res.body.caseId,
        status: 'ROUTED',
      });
    }
  });

  it('queues, once, a case whose relay died after claiming it, before its job existed (reconciler)', async () => {
    // A gateway with no relay beside it: this test is the relay.
    const lone = await startApiGateway({}, { data: gw.data, relay: false });
    try {
      const k = key('crash');
      const res = await lone.client('portal-sc').submitCase<Accepted>(validExample('SW-005'), k);
      expect(res.status).toBe(202);
      const caseId = res.body.caseId;
      const shard = shardOfCase(caseId);
      const outbox = redisKeys(lone.config.keyPrefix).shard(shard).outbox;
      const yn = new Queue(routeQueueName('yn'), {
        connection: lone.services.redis,
        prefix: redisKeys(lone.config.keyPrefix).queuePrefix(routeQueueName('yn')),
      });
      // Inject the crash: the relay claims the entry, then its queue write fails.
      const queues = lone.services.queues;
      const original = queues.enqueueMany.bind(queues);
      queues.enqueueMany = () => Promise.reject(new Error('relay died'));
      const dying = { batch: 10, claimMs: 200 };
      await expect(relayBatch(lone.services, shard, Date.now(), dying)).rejects.toThrow(
        'relay died',
      );
      queues.enqueueMany = original;
      expect(await lone.services.redis.zscore(outbox, caseId)).not.toBeNull();
      expect(await yn.getJob(caseId)).toBeUndefined();
      // While the claim holds, another relay passes the entry by.
      expect(await relayBatch(lone.services, shard, Date.now(), dying)).toBe(0);

      const settings = { intervalMs: 1000, ageMs: 0 };
      // Once the dead relay's claim has run out, the reconciler queues the case.
      await waitFor(
        async () =>
          (await reconcileOnce(lone.services, settings, lone.services.logger)).queued === 1,
      );
      expect((await reconcileOnce(lone.services, settings, lone.services.logger)).queued).toBe(0);
      expect(await lone.services.redis.zscore(outbox, caseId)).toBeNull();
      expect((await yn.getJobs(['waiting'])).filter((j) => j.id === caseId)).toHaveLength(1);
      expect((await lone.services.store.get(caseId))?.status).toBe('ROUTED');
      // The portal's retry with the same key gets the 202 for that very case.
      const retry = await lone.client('portal-sc').submitCase<Accepted>(validExample('SW-005'), k);
      expect(retry.status).toBe(202);
      expect(retry.body).toEqual(res.body);
      await yn.close();
    } finally {
      await lone.close();
    }
  });
});
