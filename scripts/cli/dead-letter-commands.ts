// `dead-letters list | replay <caseId>`: GET /v1/admin/dead-letters (every page, following
// nextCursor; --adapter and --kind filter) and POST …/{caseId}/replay.
// The replay is the gateway's audited use case: recorded in the case history and the audit chain
// under the operator, refused (and audited) without the replay right.
import type { Command } from 'commander';
import type { DeadLetter } from '../../gateway/admin/dead-letters.ts';
import { MAX_PAGE } from '../../gateway/http/cursor.ts';
import type { ConnectOperator } from './operator-api.ts';

interface ListOptions {
  adapter?: string;
  kind?: string;
  json?: boolean;
}

export function addDeadLetterCommands(program: Command, connect: ConnectOperator): void {
  const group = program.command('dead-letters').description('cases whose delivery failed for good');

  group
    .command('list')
    .description('list DELIVERY_FAILED cases, oldest failure first (every page)')
    .option('--adapter <adapter>', 'only this adapter, e.g. yn')
    .option('--kind <kind>', 'only this kind: refused, gave-up, unreadable or other')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => {
      const api = connect(command);
      const { json, ...filter } = options;
      const items: DeadLetter[] = [];
      // Follows nextCursor to the end: the list is every dead letter, page by page.
      for (let cursor: string | null | undefined; cursor !== null;) {
        const page = await api.get<{ items: DeadLetter[]; nextCursor: string | null }>(
          '/v1/admin/dead-letters',
          { ...filter, limit: MAX_PAGE, ...(cursor ? { cursor } : {}) },
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      }
      if (json) console.log(JSON.stringify(items, null, 2));
      else if (items.length === 0) console.log('no dead letters');
      else
        for (const d of items)
          console.log(
            `${d.caseId}  ${d.itemCode}  ${d.adapter ?? '-'}  ${d.failedAt}  ${d.kind}  ${d.reason ?? ''}`,
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
