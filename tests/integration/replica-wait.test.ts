// README.md#replicas: with GW_REDIS_WAIT_REPLICAS a submission's 202, a province's event, a rating
// and an operator's action follow their writes onto the replicas, so a fail-over to one of them
// cannot lose what a client was told is done. A real master and replica (redis-server
// --replicaof), then a Redis Cluster of three masters with a replica each; a replica is frozen
// with SIGSTOP to hold replication back.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeyHash } from '../../gateway/cases/idempotency-key.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import type { PrivateRedis } from '../../scripts/private-redis.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { close, event as reportEvent, readCase, submit } from '../support/case-flow.ts';
import { evaluate } from '../support/evaluation-flow.ts';
import { replicatedRedis, uniquePrefix, waitFor, type ReplicatedRedis } from '../support/redis.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';

// Longer than the gateway's Redis command timeout (500 ms): a wait that held the connection the
// other requests use would make them time out, and the division look-up below would see 503.
const WAIT_MS = 1500;
// A write sent while the replica is frozen is answered 503 whatever the wait: nothing acknowledges
// it. Those of the tests below that only need that 503 send it through `quick`, a second gateway
// on the same Redis and key prefix (as a second instance of a deployment) that waits this long,
// and their retry once the replica resumes through `gw` (WAIT_MS): each such write had paid the
// whole WAIT_MS for nothing, 1.5 s a test. The healthy writes, and the frozen submission whose
// wait must outlast the command timeout, stay on `gw`.
const QUICK_WAIT_MS = 100;

let pair: ReplicatedRedis;
let replica: PrivateRedis;
let onMaster: Redis;
let onReplica: Redis;
let gw: ApiGateway;
let quick: ApiGateway;
// The Cluster's, for the second describe: started beside the replicated pair, not after the first
// describe's tests (its start, about 4 s, is mostly waiting on its nodes' handshakes).
let cluster: RedisClusterHandle;
let cgw: ApiGateway;
/** cgw's quick twin, as `quick` is gw's. */
let cquick: ApiGateway;

beforeAll(async () => {
  [pair, cluster] = await Promise.all([
    replicatedRedis(),
    startRedisCluster({ masters: 3, replicas: 1 }),
  ]);
  ({ replica, onMaster, onReplica } = pair);
  gw = await startApiGateway(
    { GW_REDIS_WAIT_REPLICAS: '1', GW_REDIS_WAIT_TIMEOUT_MS: String(WAIT_MS) },
    { redisUrl: pair.master.url },
  );
  const clusterPrefix = uniquePrefix('api');
  [quick, cgw, cquick] = await Promise.all([
    startApiGateway(
      {
        GW_REDIS_WAIT_REPLICAS: '1',
        GW_REDIS_WAIT_TIMEOUT_MS: String(QUICK_WAIT_MS),
        GW_KEY_PREFIX: gw.config.keyPrefix,
      },
      // gw's relay moves the outbox; quick sends no submission.
      { redisUrl: pair.master.url, data: gw.data, relay: false },
    ),
    startApiGateway(
      {
        GW_REDIS_WAIT_REPLICAS: '1',
        GW_REDIS_WAIT_TIMEOUT_MS: String(WAIT_MS),
        GW_KEY_PREFIX: clusterPrefix,
      },
      { redisUrl: cluster.url, data: gw.data },
    ),
    startApiGateway(
      {
        GW_REDIS_WAIT_REPLICAS: '1',
        GW_REDIS_WAIT_TIMEOUT_MS: String(QUICK_WAIT_MS),
        GW_KEY_PREFIX: clusterPrefix,
      },
      { redisUrl: cluster.url, data: gw.data, relay: false },
    ),
  ]);
});

afterAll(async () => {
  replica?.process.kill('SIGCONT');
  for (const r of cluster?.replicas ?? []) cluster.processOf(r.port).kill('SIGCONT');
  await quick?.close();
  await cquick?.close();
  await cgw?.close();
  await gw?.close();
  await pair?.stop();
  await cluster?.stop();
});

const caseKey = (caseId: string) => redisKeys(gw.config.keyPrefix).case(caseId);
const caseKeysOn = async (redis: Redis) =>
  (await redis.keys(`${gw.config.keyPrefix}:*:case:*`)).filter((k) => !/:case:.*:/.test(k));

describe('GW_REDIS_WAIT_REPLICAS=1, a master with one replica', () => {
  it('answers 202 only once the case is on the replica: the replica holds it when the 202 arrives', async () => {
    const portal = gw.client('portal-sc');
    for (let n = 0; n < 5; n++) {
      const res = await portal.submitCase<{ caseId: string }>(
        validExample('SW-005'),
        `replica-ok-${n}-${Date.now()}`,
      );
      expect(res.status).toBe(202);
      expect(await onReplica.exists(caseKey(res.body.caseId))).toBe(1);
    }
  });

  it('while the replica is frozen: 503 GW_UNAVAILABLE with Retry-After, other requests still answered, and once it resumes the retry with the same key gives the one case stored', async () => {
    const portal = gw.client('portal-sc');
    const key = `replica-frozen-${Date.now()}`;
    const before = (await caseKeysOn(onMaster)).length;
    replica.process.kill('SIGSTOP');
    try {
      const submission = portal.submitCase(validExample('SW-005'), key);
      await waitFor(async () => /cmd=wait/.test(String(await onMaster.call('CLIENT', 'LIST'))), {
        what: 'the gateway waiting for the replica',
      });
      const lookup = await portal.request('GET', '/v1/divisions/530323');
      expect(lookup.status).toBe(200);
      const refused = await submission;
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
      expect((refused.body as { detail: string }).detail).toMatch(
        /stored, but not yet copied to enough replicas.*same Idempotency-Key/,
      );
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Stored on the master all the same: the retry finds it rather than making a second case.
      expect((await caseKeysOn(onMaster)).length).toBe(before + 1);
    } finally {
      replica.process.kill('SIGCONT');
    }
    const retried = await portal.submitCase<{ caseId: string }>(validExample('SW-005'), key);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await onReplica.exists(caseKey(retried.body.caseId))).toBe(1);
    expect((await caseKeysOn(onMaster)).length).toBe(before + 1);
  });

  const replicaFrozen = <T>(during: () => Promise<T>) => pair.frozen(during);
  const postEvent = (caseId: string, body: Record<string, unknown>, via = gw) =>
    via
      .client('province-yn')
      .request<{ status: string; duplicate: boolean; code?: string; detail?: string }>(
        'POST',
        `/v1/cases/${caseId}/events`,
        { json: body },
      );
  const expectReplicasBehind = (res: {
    status: number;
    body: unknown;
    headers: { get(name: string): string | null };
  }) => {
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
    expect((res.body as { detail: string }).detail).toMatch(
      /stored, but not yet copied to enough replicas/,
    );
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  };
  const historyKey = (caseId: string) => redisKeys(gw.config.keyPrefix).history(caseId);

  it('answers 503 GW_UNAVAILABLE, not 500, when the connection waiting for the replica is lost under its wait (ioredis aborts the WAIT pipelined after its mark), and once the replica resumes the retry with the same key gives the one case stored', async () => {
    const portal = gw.client('portal-sc');
    const key = `replica-wait-lost-${Date.now()}`;
    const before = (await caseKeysOn(onMaster)).length;
    replica.process.kill('SIGSTOP');
    try {
      const submission = portal.submitCase(validExample('SW-005'), key);
      // The barrier's connection, its WAIT out: killed as a dying master or a proxy would drop it.
      const waiting = await waitFor(
        async () =>
          String(await onMaster.call('CLIENT', 'LIST'))
            .split('\n')
            .find((line) => / cmd=wait /.test(line))
            ?.match(/^id=(\d+) /)?.[1],
        { what: 'the gateway waiting for the replica' },
      );
      await onMaster.call('CLIENT', 'KILL', 'ID', String(waiting));
      const refused = await submission;
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
    } finally {
      replica.process.kill('SIGCONT');
    }
    const retried = await portal.submitCase<{ caseId: string }>(validExample('SW-005'), key);
    expect(retried.status).toBe(202);
    expect((await caseKeysOn(onMaster)).length).toBe(before + 1);
  });

  it("answers a province event 200 only once its move is on the replica: the replica holds the case's new status and history when the 200 arrives", async () => {
    const { caseId } = await submit(gw);
    const res = await postEvent(caseId, { type: 'accepted', at: new Date().toISOString() });
    expect(res.status).toBe(200);
    expect(await onReplica.hget(caseKey(caseId), 'status')).toBe(res.body.status);
    expect(await onReplica.lrange(historyKey(caseId), 0, -1)).toEqual(
      await onMaster.lrange(historyKey(caseId), 0, -1),
    );
  });

  it('while the replica is frozen a province event is answered 503 GW_UNAVAILABLE, not 200; reported again once it resumes it is answered 200 as a duplicate, with one history entry', async () => {
    const { caseId } = await submit(gw);
    await reportEvent(gw, 'province-yn', caseId, 'accepted', new Date().toISOString());
    const decided = {
      type: 'decided',
      at: new Date().toISOString(),
      result: { decision: 'approved' },
    };
    const refused = await replicaFrozen(() => postEvent(caseId, decided, quick));
    expectReplicasBehind(refused);
    // Applied on the master all the same: the report again is its duplicate, not a second move.
    expect(await onMaster.hget(caseKey(caseId), 'status')).toBe('DECIDED');
    const again = await postEvent(caseId, decided);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'DECIDED', duplicate: true });
    expect(await onReplica.hget(caseKey(caseId), 'status')).toBe('DECIDED');
    const view = await readCase<{ history: { status: string }[] }>(gw, caseId);
    expect(view.history.filter((h) => h.status === 'DECIDED')).toHaveLength(1);
  });

  it('answers a rating 201 only once it is on the replica; while the replica is frozen 503, and the retry with the same Idempotency-Key once it resumes replays the one rating stored', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const ratingKey = async (rated: string) => {
      const found = await onMaster.keys(
        `${gw.config.keyPrefix}:{rating:*}:evaluation:${caseId}:${rated}`,
      );
      expect(found).toHaveLength(1);
      return found[0]!;
    };

    const running = await evaluate(gw, caseId, { level: 5, rated: 'collecting' });
    expect(running.status).toBe(201);
    expect(await onReplica.exists(await ratingKey('collecting'))).toBe(1);

    const key = `replica-rating-${Date.now()}`;
    const rating = { level: 4, rated: 'handling' };
    const refused = await replicaFrozen(() => evaluate(quick, caseId, rating, { key }));
    expectReplicasBehind(refused);
    const stored = await onMaster.hget(await ratingKey('handling'), 'evaluationId');
    const retried = await evaluate(gw, caseId, rating, { key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.evaluationId).toBe(stored);
    expect(await onReplica.hget(await ratingKey('handling'), 'evaluationId')).toBe(stored);
  });

  it("answers an operator's unmasked read 503 while its audit entry is not on the replica, and 200 once it is", async () => {
    const { caseId } = await submit(gw);
    const refused = await replicaFrozen(() => quick.client('operator-dev').getCase(caseId));
    expectReplicasBehind(refused);
    const read = await gw.client('operator-dev').getCase(caseId);
    expect(read.status).toBe(200);
    const head = redisKeys(gw.config.keyPrefix).audit.head;
    expect(await onReplica.hget(head, 'seq')).toBe(await onMaster.hget(head, 'seq'));
  });

  it("answers an operator's unmasked dead-letter list 503 while its audit entry is not on the replica, and 200 once it is", async () => {
    const { caseId } = await submit(gw);
    const record = await gw.services.store.get(caseId);
    if (record?.kind !== 'single') throw new Error(`${caseId} is not a single case`);
    const failed = await recordDeliveryFailed(gw.services.store, record, {
      adapterId: 'yn',
      reason: 'refused: -102 纳税人识别号不存在',
    });
    expect(failed.ok).toBe(true);
    const list = (via: ApiGateway) =>
      via.client('operator-dev').request('GET', '/v1/admin/dead-letters');
    expectReplicasBehind(await replicaFrozen(() => list(quick)));
    const shown = await list(gw);
    expect(shown.status).toBe(200);
    const head = redisKeys(gw.config.keyPrefix).audit.head;
    expect(await onReplica.hget(head, 'seq')).toBe(await onMaster.hget(head, 'seq'));
  });

  it('answers a catalogue draft created with an Idempotency-Key 503 while the draft is not on the replica; retried with the key once it resumes, 201 replayed with the one draft stored', async () => {
    const drafts = redisKeys(gw.config.keyPrefix).catalogue.drafts;
    const before = await onMaster.zcard(drafts);
    const key = `replica-draft-${Date.now()}`;
    const send = (via: ApiGateway) =>
      via
        .client('operator-dev')
        .request<{ draftId: string; detail?: string }>('POST', '/v1/admin/catalogue/drafts', {
          json: { kind: 'calendar', calendar: { year: 2040, holidays: [], extraWorkingDays: [] } },
          headers: { 'Idempotency-Key': key },
        });
    const refused = await replicaFrozen(() => send(quick));
    expectReplicasBehind(refused);
    expect(refused.body.detail).toMatch(/catalogue draft/);
    expect(await onMaster.zcard(drafts)).toBe(before + 1);
    const retried = await send(gw);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await onMaster.zcard(drafts)).toBe(before + 1);
    expect(await onReplica.zscore(drafts, retried.body.draftId)).not.toBeNull();
  });

  it('asks for two replicas where one runs: every submission 503, none answered 202, each counted in gw_replicas_behind_total', async () => {
    const strict = await startApiGateway(
      { GW_REDIS_WAIT_REPLICAS: '2', GW_REDIS_WAIT_TIMEOUT_MS: '50' },
      { redisUrl: pair.master.url, data: gw.data },
    );
    try {
      const portal = strict.client('portal-sc');
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, n) =>
          portal.submitCase(validExample('SW-005'), `replica-two-${n}-${Date.now()}`),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503]);
      const warned = strict
        .logLines()
        .filter((l) => l.msg === 'replicas behind: writes answered 503');
      expect(warned[0]).toMatchObject({ level: 40, acked: 1, required: 2 });
      const metrics = await (await fetch(`${strict.url}/metrics`)).text();
      expect(metrics).toMatch(/^gw_replicas_behind_total 4$/m);
    } finally {
      await strict.close();
    }
  });
});

describe('GW_REDIS_WAIT_REPLICAS=1 on a Redis Cluster of three masters with a replica each', () => {
  const nodeClients: Redis[] = [];
  const client = (port: number) => {
    const redis = new Redis(port, '127.0.0.1');
    nodeClients.push(redis);
    return redis;
  };

  // The Cluster and its gateway close with the file (the top afterAll).
  afterAll(() => {
    for (const redis of nodeClients) redis.disconnect();
  });

  /** The master that owns a key's slot, and its replica. */
  async function nodesOf(key: string): Promise<{ master: number; replica: number }> {
    const any = client(cluster.ports[0]!);
    const slot = Number(await any.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await any.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const master = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
    return { master, replica: cluster.replicas.find((r) => r.master === master)!.port };
  }
  const keys = () => redisKeys(cgw.config.keyPrefix, cgw.config.redisShards);
  /** Where a submission with this Idempotency-Key is stored: its shard's slot. */
  const shardKeyOf = (idempotencyKey: string) =>
    keys().shard(keys().submissionShard(idempotencyKeyHash(idempotencyKey))).outbox;

  it("answers 202 once the case is on its own master's replica", async () => {
    const portal = cgw.client('portal-sc');
    for (let n = 0; n < 6; n++) {
      const res = await portal.submitCase<{ caseId: string }>(
        validExample('SW-005'),
        `cluster-ok-${n}-${Date.now()}`,
      );
      expect(res.status).toBe(202);
      const key = keys().case(res.body.caseId);
      const replica = client((await nodesOf(key)).replica);
      await replica.call('READONLY');
      expect(await replica.exists(key)).toBe(1);
    }
  });

  it("with one master's replica frozen: 503 for exactly the submissions stored on that master, 202 for the others", async () => {
    const portal = cgw.client('portal-sc');
    const stamp = Date.now();
    const idempotencyKeys = Array.from({ length: 12 }, (_, n) => `cluster-frozen-${n}-${stamp}`);
    const frozen = await nodesOf(shardKeyOf(idempotencyKeys[0]!));
    const expected = await Promise.all(
      idempotencyKeys.map(async (k) =>
        (await nodesOf(shardKeyOf(k))).master === frozen.master ? 503 : 202,
      ),
    );
    expect(expected).toContain(202);
    cluster.processOf(frozen.replica).kill('SIGSTOP');
    try {
      const answers = await Promise.all(
        idempotencyKeys.map((k) => portal.submitCase(validExample('SW-005'), k)),
      );
      expect(answers.map((a) => a.status)).toEqual(expected);
    } finally {
      cluster.processOf(frozen.replica).kill('SIGCONT');
    }
    // Resumed: the retries of the refused ones find their cases, now copied.
    const retried = await portal.submitCase(validExample('SW-005'), idempotencyKeys[0]!);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
  });

  it("with one master's replica frozen: a province event is answered 503 for exactly the cases stored on that master, 200 for the others, and reported again once it resumes, 200 as a duplicate", async () => {
    const cases = await Promise.all(Array.from({ length: 8 }, () => submit(cgw)));
    const frozen = await nodesOf(keys().case(cases[0]!.caseId));
    const expected = await Promise.all(
      cases.map(async (c) =>
        (await nodesOf(keys().case(c.caseId))).master === frozen.master ? 503 : 200,
      ),
    );
    expect(expected).toContain(200);
    const province = cgw.client('province-yn');
    const accepted = { type: 'accepted', at: new Date().toISOString() };
    const post = (caseId: string) =>
      province.request<{ duplicate: boolean }>('POST', `/v1/cases/${caseId}/events`, {
        json: accepted,
      });
    cluster.processOf(frozen.replica).kill('SIGSTOP');
    try {
      const answers = await Promise.all(cases.map((c) => post(c.caseId)));
      expect(answers.map((a) => a.status)).toEqual(expected);
    } finally {
      cluster.processOf(frozen.replica).kill('SIGCONT');
    }
    const again = await post(cases[0]!.caseId);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const replica = client(frozen.replica);
    await replica.call('READONLY');
    expect(await replica.hget(keys().case(cases[0]!.caseId), 'status')).toBe('IN_PROGRESS');
  });

  it("waits for every slot a write touched: a 差评 opening a rectification is answered 503 while only the replica of the 督办 board's master is frozen, though the rating's own master is another; retried with its key once it resumes, the one rating and rectification", async () => {
    const { caseId } = await submit(cgw);
    await close(cgw, 'province-yn', caseId, new Date().toISOString());
    const ratingKey = keys().rating('53').evaluation(caseId, 'handling');
    const board = await nodesOf(keys().supervision.due);
    expect((await nodesOf(ratingKey)).master).not.toBe(board.master);
    const key = `cluster-rating-${Date.now()}`;
    const rating = { level: 1, rated: 'handling', comment: '办理拖延' };
    cluster.processOf(board.replica).kill('SIGSTOP');
    let refused;
    try {
      refused = await evaluate(cquick, caseId, rating, { key });
    } finally {
      cluster.processOf(board.replica).kill('SIGCONT');
    }
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
    const retried = await evaluate(cgw, caseId, rating, { key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.rectification?.id).toMatch(/^RC53/);
    const rectifications = await cgw.services.redis.zcard(keys().rating('53').rectifications);
    expect(rectifications).toBe(1);
  });
});
