// The operator CLI is a client of the gateway's operator API (README.md#operator-cli): run as a
// separate process against a real gateway process, with no Redis URL at all. It lists and replays
// dead letters (audited under the operator, the replay's portal callback queued as any replay's),
// verifies the audit chain and names the entry altered in Redis, and fails with one line: a
// missing right, a wrong secret, a gateway that is not running.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../gateway/audit/audit-log.ts';
import type { CallbackJob } from '../../gateway/callbacks/callback-queue.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { CALLBACK_QUEUE, redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { runCli, type CliRun } from '../support/cli-run.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';

// The in-process gateway sets the scene in Redis; the CLI talks to the gateway process only.
let gw: ApiGateway;
let gateway: GatewayProcess;
let caseId: string;
const queues: Queue[] = [];
function queue<T>(name: string): Queue<T> {
  const keys = redisKeys(gw.config.keyPrefix);
  const q = new Queue<T>(name, { connection: gw.services.redis, prefix: keys.queuePrefix(name) });
  queues.push(q);
  return q;
}

beforeAll(async () => {
  gw = await startApiGateway();
  gateway = await startGatewayProcess(gw.config.keyPrefix);
  // No callback worker runs here: the portal's callbacks wait in their queue for the test to read.
  const envelope = { ...validExample('SW-005'), callbackUrl: 'http://127.0.0.1:9/hooks/swgw' };
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(envelope, `cli-${Date.now()}`);
  caseId = res.body.caseId;
  // What the job runner records when the province refused the case for good.
  const record = await gw.services.store.get(caseId);
  if (record?.kind !== 'single') throw new Error(`case ${caseId} not stored as a single case`);
  const failed = await recordDeliveryFailed(gw.services.store, record, {
    adapterId: 'yn',
    reason: 'refused: -102',
  });
  expect(failed.ok).toBe(true);
  await queue(routeQueueName('yn')).remove(caseId);
}, 60_000);
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await gateway?.stop();
  await gw?.close();
});

/** The CLI as an operator types it: only the gateway's URL set, nothing of Redis. */
function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { GW_CLI_GATEWAY: gateway.url, ...env });
}

function expectOneLine(outcome: CliRun, code: number, says: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(code);
  const lines = outcome.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(says);
}

async function auditEntries(): Promise<AuditEntry[]> {
  return (await gw.services.audit.page({ limit: 200 })).items;
}

describe('operator CLI over the operator API', () => {
  it('lists the dead letter', async () => {
    const { code, stdout } = await run(['dead-letters', 'list', '--json']);
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as { caseId: string; adapter: string }[];
    expect(items).toEqual([expect.objectContaining({ caseId, adapter: 'yn', itemCode: 'SW-005' })]);
  });

  it('lists it for a person in China time, as the console does, and says so; --json keeps UTC', async () => {
    const json = await run(['dead-letters', 'list', '--json']);
    const [letter] = JSON.parse(json.stdout) as { failedAt: string }[];
    expect(letter!.failedAt).toMatch(/Z$/);
    const { code, stdout } = await run(['dead-letters', 'list']);
    expect(code).toBe(0);
    const [zone, row] = stdout.trim().split('\n');
    expect(zone).toBe('times in Beijing time (北京时间, UTC+8)');
    const beijing = new Date(Date.parse(letter!.failedAt) + 8 * 3_600_000).toISOString();
    expect(row).toContain(`  ${beijing.slice(0, 10)} ${beijing.slice(11, 16)}  `);
    expect(row).not.toContain(letter!.failedAt);
  });

  it('refuses a replay by an operator without the replay right in one line, audited', async () => {
    const outcome = await run([
      'dead-letters',
      'replay',
      caseId,
      '--operator',
      'operator-readonly',
    ]);
    expectOneLine(
      outcome,
      1,
      /^GW_FORBIDDEN: This operation needs the replay right — operator-readonly may not do this/,
    );
    expect((await gw.services.store.get(caseId))?.status).toBe('DELIVERY_FAILED');
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({
        actor: 'operator-readonly',
        action: 'dead-letter.replay',
        target: caseId,
        outcome: 'refused',
      }),
    );
  });

  it('replays it as the default operator-dev: ROUTED again, queued again, audited', async () => {
    const { code, stdout } = await run(['dead-letters', 'replay', caseId]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${caseId} → ROUTED`);
    expect((await gw.services.store.get(caseId))?.status).toBe('ROUTED');
    const history = await gw.services.store.history(caseId);
    expect(history.at(-1)).toMatchObject({ status: 'ROUTED', actor: 'operator-dev' });
    expect(await (await queue(routeQueueName('yn')).getJob(caseId))?.getState()).toBe('waiting');
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', target: caseId, outcome: 'ok' }),
    );
    const after = await run(['dead-letters', 'list']);
    expect(after.stdout.trim()).toBe('no dead letters');
  });

  it('queues the portal callback of the replay, as any replay does', async () => {
    const history = await gw.services.store.history(caseId);
    expect(history.at(-1)).toMatchObject({ status: 'ROUTED', actor: 'operator-dev' });
    const jobs = await queue<CallbackJob>(CALLBACK_QUEUE).getJobs(['waiting', 'delayed']);
    const mine = jobs.map((j) => j.data).filter((d) => d.caseId === caseId);
    expect(mine).toContainEqual(
      expect.objectContaining({
        status: 'ROUTED',
        sequence: history.length,
        clientId: 'portal-sc',
      }),
    );
  });

  it('verifies an intact audit chain', async () => {
    const entries = await auditEntries();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const outcome = await run(['audit', 'verify']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(
      new RegExp(`^audit chain intact: ${entries.length} entries, last hash [0-9a-f]{16}…`),
    );
  });

  it('exits 2 naming the seq of an audit entry altered in Redis', async () => {
    const keys = redisKeys(gw.config.keyPrefix).audit;
    const redis = gw.services.redis;
    const original = (await redis.hget(keys.entries, '2'))!;
    const entry = JSON.parse(original) as AuditEntry;
    await redis.hset(keys.entries, '2', JSON.stringify({ ...entry, actor: 'someone-else' }));
    try {
      expectOneLine(await run(['audit', 'verify']), 2, /^audit chain broken at seq 2: /);
    } finally {
      await redis.hset(keys.entries, '2', original);
    }
    expect((await run(['audit', 'verify'])).code).toBe(0);
  });

  it('says which secret to check, in one short line, when the gateway refuses the signature over the string the CLI signed', async () => {
    const outcome = await run(['dead-letters', 'list'], {
      GW_CLI_SECRET: 'not-the-secret-of-operator-dev-at-all',
    });
    expectOneLine(
      outcome,
      1,
      /^GW_AUTH_BAD_SIGNATURE: the gateway computed the string-to-sign the CLI signed — check the secret of operator-dev \(--secret, GW_CLI_SECRET\)$/,
    );
  });

  it('fails in one line naming the URL when no gateway runs there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const outcome = await run(['audit', 'verify', '--gateway', url]);
    expectOneLine(
      outcome,
      1,
      new RegExp(
        `^cannot reach the gateway at ${url.replace(/\./g, '\\.')} \\(ECONNREFUSED\\): start the system with \`npm start\``,
      ),
    );
  });
});
