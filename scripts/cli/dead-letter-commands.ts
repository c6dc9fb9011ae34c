// `dead-letters list | replay <caseId> | replay --adapter <a> --kind <k>`: GET
// /v1/admin/dead-letters (every page, following nextCursor; --adapter and --kind filter), POST
// …/{caseId}/replay, and POST …/replay in batches of 200 until none remains.
// The replay is the gateway's audited use case: recorded in the case history and the audit chain
// under the operator, refused (and audited) without the replay right.
import type { Command } from 'commander';
import type { DeadLetter } from '../../gateway/admin/dead-letters.ts';
import { MAX_PAGE } from '../../gateway/http/cursor.ts';
import { chinaTime } from '../../gateway/shared/china-time.ts';
import { CommandFailure } from '../command-failure.ts';
import { progress, type Progress } from './progress-bar.ts';
import type { ConnectOperator, OperatorApi } from './operator-api.ts';

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
      else {
        // A person reads the times as the console and the demo show them; --json keeps UTC.
        console.log('times in Beijing time (北京时间, UTC+8)');
        for (const d of items)
          console.log(
            `${d.caseId}  ${d.itemCode}  ${d.adapter ?? '-'}  ${chinaTime(d.failedAt)}  ${d.kind}  ${d.reason ?? ''}`,
          );
      }
    });

  group
    .command('replay')
    .description(
      'queue DELIVERY_FAILED cases again (needs the replay right; audited): one case by its id, ' +
        'or with --adapter and --kind every dead letter of that adapter and kind, 200 a batch',
    )
    .argument('[caseId]')
    .option('--adapter <adapter>', 'bulk: this adapter, e.g. yn')
    .option('--kind <kind>', 'bulk: gave-up, unreadable or other (refused is replayed one by one)')
    .action(async (caseId: string | undefined, options: BulkOptions, command: Command) => {
      const api = connect(command);
      if (caseId !== undefined && options.adapter === undefined && options.kind === undefined) {
        const result = await api.post<{ caseId: string; status: string }>(
          `/v1/admin/dead-letters/${encodeURIComponent(caseId)}/replay`,
        );
        console.log(`${result.caseId} → ${result.status}`);
        return;
      }
      if (caseId !== undefined || !options.adapter || !options.kind)
        throw new CommandFailure('give a case id, or --adapter and --kind (not both)');
      console.log(await replayInBulk(api, options.adapter, options.kind));
    });
}

interface BulkOptions {
  adapter?: string;
  kind?: string;
}

interface BulkResult {
  replayed: string[];
  skipped: { caseId: string; code: string }[];
  remaining: number;
}

/**
 * Batches of 200 until none remains, with a progress bar on a terminal. Stops early when a batch
 * replays nothing (every letter it found was replayed by someone else meanwhile, or it found none).
 */
async function replayInBulk(api: OperatorApi, adapter: string, kind: string): Promise<string> {
  let replayed = 0;
  let skipped = 0;
  let bar: Progress | undefined;
  for (;;) {
    const batch = await api.post<BulkResult>('/v1/admin/dead-letters/replay', {
      adapter,
      kind,
      limit: MAX_PAGE,
    });
    replayed += batch.replayed.length;
    skipped += batch.skipped.length;
    bar ??= progress(`${adapter} ${kind} [{bar}] {value}/{total}`, replayed + batch.remaining);
    bar.update(replayed);
    for (const s of batch.skipped) console.error(`skipped ${s.caseId}: ${s.code}`);
    if (batch.remaining === 0 || batch.replayed.length === 0) {
      bar.stop();
      return `${adapter} ${kind}: replayed ${replayed}, skipped ${skipped}, remaining ${batch.remaining}`;
    }
  }
}
