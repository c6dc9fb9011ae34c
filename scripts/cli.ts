// Operator command line: `npm run cli -- <command>`. Talks to Redis directly with the same use cases
// the HTTP admin endpoints call, on a case store built like the gateway's (gateway/case-system.ts),
// so a replay from here is audited, and queues its portal callback, exactly like one over HTTP. A
// Redis it cannot reach, or REDIS_URL unset, is one line on stderr and exit code 1
// (command-failure.ts).
//   npm run cli -- dead-letters list
//   npm run cli -- dead-letters replay <caseId> --operator operator-dev
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { listDeadLetters, replayDeadLetterAudited } from '../gateway/admin/dead-letters.ts';
import { createAuditLog, type AuditLog } from '../gateway/audit/audit-log.ts';
import { redisKeys } from '../gateway/shared/redis-keys.ts';
import { randomUUID } from 'node:crypto';
import { loadClientRegistry } from '../gateway/auth/client-registry.ts';
import { createCaseSystem, type CaseSystem } from '../gateway/case-system.ts';
import { createLogger } from '../gateway/shared/logger.ts';
import { loadSupervisionData } from '../gateway/supervision/supervision-data.ts';
import { createRedis, redisSettings } from '../gateway/shared/redis.ts';
import { reachRedis, redisUrlMissing, runCommand } from './command-failure.ts';

async function withStore<T>(run: (cases: CaseSystem & { audit: AuditLog }) => Promise<T>) {
  const config = loadConfig();
  if (!config.redisUrl) throw redisUrlMissing('npm run cli -- dead-letters list');
  const redis = createRedis('worker', redisSettings(config));
  try {
    await reachRedis(redis, config.redisUrl, config.redisStartupTimeoutMs);
    // Warnings only (a callback that could not be queued), on stderr: stdout is the answer.
    const log = createLogger({ level: 'warn', env: config.env }, process.stderr);
    const supervision = loadSupervisionData(config);
    const cases = createCaseSystem({ redis, config, supervision, log, now: () => new Date() });
    try {
      const audit = createAuditLog({
        redis,
        keys: redisKeys(config.keyPrefix),
        now: () => new Date(),
      });
      return await run({ ...cases, audit });
    } finally {
      await cases.close();
    }
  } finally {
    redis.disconnect();
  }
}

const program = new Command('swgw').description('跨省通办 gateway operator commands');
const deadLetters = program
  .command('dead-letters')
  .description('cases whose delivery failed for good');

deadLetters
  .command('list')
  .description('list DELIVERY_FAILED cases')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const items = await withStore(({ store }) => listDeadLetters(store));
    if (options.json) console.log(JSON.stringify(items, null, 2));
    else if (items.length === 0) console.log('no dead letters');
    else
      for (const d of items)
        console.log(
          `${d.caseId}  ${d.itemCode}  ${d.adapter ?? '-'}  ${d.failedAt}  ${d.reason ?? ''}`,
        );
  });

deadLetters
  .command('replay')
  .description('queue a DELIVERY_FAILED case again (audited in its history)')
  .argument('<caseId>')
  .requiredOption(
    '--operator <id>',
    'operator client id recorded in the history (needs the replay right)',
  )
  .action(async (caseId: string, options: { operator: string }) => {
    const config = loadConfig();
    const operator = loadClientRegistry({ env: config.env, clientsFile: config.clientsFile }).get(
      options.operator,
    );
    if (operator?.kind !== 'operator' || !operator.rights.includes('replay')) {
      throw new Error(`${options.operator} is not an operator with the replay right`);
    }
    const result = await withStore((deps) =>
      replayDeadLetterAudited(deps, { caseId, operator, requestId: `cli-${randomUUID()}` }),
    );
    console.log(`${result.caseId} → ${result.status}`);
  });

await runCommand(async () => {
  await program.parseAsync();
});
