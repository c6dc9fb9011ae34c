// The operator CLI lists and replays dead letters against the real Redis, audited like HTTP, and
// its replay queues the portal's callback as the HTTP replay does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackJob } from '../../gateway/callbacks/callback-queue.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { CALLBACK_QUEUE, redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';

const run = promisify(execFile);
const cli = new URL('../../scripts/cli.ts', import.meta.url).pathname;

let gw: ApiGateway;
let caseId: string;
const queues: Queue[] = [];
function queue<T>(name: string): Queue<T> {
  const q = new Queue<T>(name, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(name),
  });
  queues.push(q);
  return q;
}

beforeAll(async () => {
  gw = await startApiGateway();
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
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await gw.close();
});

function cliEnv() {
  return {
    ...process.env,
    REDIS_URL: gw.config.redisUrl,
    GW_KEY_PREFIX: gw.config.keyPrefix,
    GW_ENV: 'test',
  };
}

describe('operator CLI', () => {
  it('lists the dead letter', async () => {
    const { stdout } = await run(process.execPath, [cli, 'dead-letters', 'list', '--json'], {
      env: cliEnv(),
    });
    const items = JSON.parse(stdout) as { caseId: string; adapter: string }[];
    expect(items).toEqual([expect.objectContaining({ caseId, adapter: 'yn', itemCode: 'SW-005' })]);
  });

  it('refuses a replay by an operator without the replay right', async () => {
    await expect(
      run(
        process.execPath,
        [cli, 'dead-letters', 'replay', caseId, '--operator', 'operator-readonly'],
        { env: cliEnv() },
      ),
    ).rejects.toMatchObject({ code: 1 });
    expect((await gw.services.store.get(caseId))?.status).toBe('DELIVERY_FAILED');
  });

  it('replays it: ROUTED again, queued again, audited with the operator in the history', async () => {
    const { stdout } = await run(
      process.execPath,
      [cli, 'dead-letters', 'replay', caseId, '--operator', 'operator-dev'],
      { env: cliEnv() },
    );
    expect(stdout).toContain(`${caseId} → ROUTED`);
    expect((await gw.services.store.get(caseId))?.status).toBe('ROUTED');
    const history = await gw.services.store.history(caseId);
    expect(history.at(-1)).toMatchObject({ status: 'ROUTED', actor: 'operator-dev' });
    expect(await (await queue(routeQueueName('yn')).getJob(caseId))?.getState()).toBe('waiting');
    const { stdout: after } = await run(process.execPath, [cli, 'dead-letters', 'list'], {
      env: cliEnv(),
    });
    expect(after.trim()).toBe('no dead letters');
  });

  it('queues the portal callback of the replay, as a replay over HTTP does', async () => {
    // Runs after the replay above: the case's last move is the operator's ROUTED.
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
    expect(mine.map((d) => d.status)).toEqual(
      expect.arrayContaining(['ROUTED', 'DELIVERY_FAILED']),
    );
  });
});
