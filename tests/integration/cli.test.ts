// The operator CLI lists and replays dead letters against the real Redis, audited like HTTP.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';

const run = promisify(execFile);
const cli = new URL('../../scripts/cli.ts', import.meta.url).pathname;

let gw: ApiGateway;
let caseId: string;
beforeAll(async () => {
  gw = await startApiGateway();
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `cli-${Date.now()}`);
  caseId = res.body.caseId;
  // What the job runner does when the province refused the case for good.
  await gw.services.store.transition(caseId, ['ROUTED'], 'DELIVERY_FAILED', [
    {
      at: new Date().toISOString(),
      status: 'DELIVERY_FAILED',
      actor: 'adapter:yn',
      note: 'refused: -102',
    },
  ]);
  await gw.services.redis.zadd(gw.services.store.deadLettersKey(), Date.now(), caseId);
  const queue = new Queue(`route-yn`, {
    connection: gw.services.redis,
    prefix: `${gw.config.keyPrefix}:bull`,
  });
  await queue.remove(caseId);
});
afterAll(async () => gw.close());

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
    const queue = new Queue('route-yn', {
      connection: gw.services.redis,
      prefix: `${gw.config.keyPrefix}:bull`,
    });
    expect(await (await queue.getJob(caseId))?.getState()).toBe('waiting');
    const { stdout: after } = await run(process.execPath, [cli, 'dead-letters', 'list'], {
      env: cliEnv(),
    });
    expect(after.trim()).toBe('no dead letters');
  });
});
