// `failed-callbacks list | replay <id> | replay --all`: GET /v1/admin/failed-callbacks (every
// page, following nextCursor), POST …/{id}/replay, and POST …/replay in batches of 200 until none
// failed before the first batch remains. As the dead letters' commands: the replay is the
// gateway's audited use case, refused (and audited) without the replay right; a replayed callback
// gets its 8 attempts again.
import type { Command } from 'commander';
import type { CallbackBulkReplay } from '../../gateway/callbacks/failed-callback-replay.ts';
import type { FailedCallback } from '../../gateway/callbacks/failed-callbacks.ts';
import { MAX_PAGE } from '../../gateway/http/cursor.ts';
import { CommandFailure } from '../command-failure.ts';
import { progress, type Progress } from './progress-bar.ts';
import type { ConnectOperator, OperatorApi } from './operator-api.ts';

export function addFailedCallbackCommands(program: Command, connect: ConnectOperator): void {
  const group = program
    .command('failed-callbacks')
    .description('portal callbacks that failed for good (kept 7 days)');

  group
    .command('list')
    .description('list failed callbacks, oldest failure first (every page)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const api = connect(command);
      const items: FailedCallback[] = [];
      for (let cursor: string | null | undefined; cursor !== null;) {
        const page = await api.get<{ items: FailedCallback[]; nextCursor: string | null }>(
          '/v1/admin/failed-callbacks',
          { limit: MAX_PAGE, ...(cursor ? { cursor } : {}) },
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      }
      if (options.json) console.log(JSON.stringify(items, null, 2));
      else if (items.length === 0) console.log('no failed callbacks');
      else
        for (const c of items)
          console.log(
            `${c.id}  ${c.caseId}  ${c.portal}  ${c.host ?? '-'}  ${c.failedAt}  attempts ${c.attempts}  ${c.lastError}`,
          );
    });

  group
    .command('replay')
    .description(
      'queue failed callbacks again with all their attempts (needs the replay right; audited): ' +
        'one by its id (as listed), or with --all every one failed so far, 200 a batch',
    )
    .argument('[id]')
    .option('--all', 'every failed callback')
    .action(async (id: string | undefined, options: { all?: boolean }, command: Command) => {
      if ((id === undefined) === (options.all !== true))
        throw new CommandFailure('give a callback id, or --all (not both)');
      const api = connect(command);
      if (id !== undefined) {
        const result = await api.post<{ id: string; attempts: number }>(
          `/v1/admin/failed-callbacks/${encodeURIComponent(id)}/replay`,
        );
        console.log(`${result.id} → queued, ${result.attempts} attempts`);
        return;
      }
      console.log(await replayAll(api));
    });
}

/**
 * Batches of 200 until none failed before the first batch remains, with a progress bar on a
 * terminal; stops early when a batch replays nothing (others replayed them meanwhile).
 */
async function replayAll(api: OperatorApi): Promise<string> {
  let replayed = 0;
  let skipped = 0;
  let failedBefore: string | undefined;
  let bar: Progress | undefined;
  for (;;) {
    const batch: CallbackBulkReplay = await api.post<CallbackBulkReplay>(
      '/v1/admin/failed-callbacks/replay',
      { limit: MAX_PAGE, ...(failedBefore ? { failedBefore } : {}) },
    );
    failedBefore = batch.failedBefore;
    replayed += batch.replayed.length;
    skipped += batch.skipped.length;
    bar ??= progress('callbacks [{bar}] {value}/{total}', replayed + batch.remaining);
    bar.update(replayed);
    for (const s of batch.skipped) console.error(`skipped ${s.id}: ${s.code}`);
    if (batch.remaining === 0 || batch.replayed.length === 0) {
      bar.stop();
      return `callbacks: replayed ${replayed}, skipped ${skipped}, remaining ${batch.remaining}`;
    }
  }
}
