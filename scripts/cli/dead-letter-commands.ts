// `dead-letters list | replay <caseId>`: GET /v1/admin/dead-letters and POST …/{caseId}/replay.
// The replay is the gateway's audited use case: recorded in the case history and the audit chain
// under the operator, refused (and audited) without the replay right.
import type { Command } from 'commander';
import type { DeadLetter } from '../../gateway/admin/dead-letters.ts';
import type { ConnectOperator } from './operator-api.ts';

export function addDeadLetterCommands(program: Command, connect: ConnectOperator): void {
  const group = program.command('dead-letters').description('cases whose delivery failed for good');

  group
    .command('list')
    .description('list DELIVERY_FAILED cases')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { items } = await connect(command).get<{ items: DeadLetter[] }>(
        '/v1/admin/dead-letters',
      );
      if (options.json) console.log(JSON.stringify(items, null, 2));
      else if (items.length === 0) console.log('no dead letters');
      else
        for (const d of items)
          console.log(
            `${d.caseId}  ${d.itemCode}  ${d.adapter ?? '-'}  ${d.failedAt}  ${d.reason ?? ''}`,
          );
    });

  group
    .command('replay')
    .description('queue a DELIVERY_FAILED case again (needs the replay right; audited)')
    .argument('<caseId>')
    .action(async (caseId: string, _options: unknown, command: Command) => {
      const result = await connect(command).post<{ caseId: string; status: string }>(
        `/v1/admin/dead-letters/${encodeURIComponent(caseId)}/replay`,
      );
      console.log(`${result.caseId} → ${result.status}`);
    });
}
