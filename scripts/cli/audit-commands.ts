// `audit verify | list`: the audit chain read over GET /v1/admin/audit (the audit:read right).
// verify recomputes every entry's SM3 hash here, with the same pure verifyChain the gateway uses,
// on entries fetched page by page — so a gateway (or a Redis) that lies about one entry cannot
// hide it — then asks the gateway's own check, which also compares the last entry with the
// chain's recorded head. A broken chain is one line naming the first broken seq, exit code 2.
import type { Command } from 'commander';
import { GENESIS, verifyChain, type AuditEntry } from '../../gateway/audit/audit-chain.ts';
import type { AuditPage, AuditVerification } from '../../gateway/audit/audit-log.ts';
import { CommandFailure } from '../command-failure.ts';
import type { ConnectOperator, OperatorApi } from './operator-api.ts';

/** Exit code of `audit verify` when the chain is broken (1: it could not be checked). */
export const CHAIN_BROKEN_EXIT = 2;

export function addAuditCommands(program: Command, connect: ConnectOperator): void {
  const group = program.command('audit').description('the operators’ audit chain');

  group
    .command('verify')
    .description('recompute the whole chain; exit 2 naming the first broken seq')
    .action(async (_options: unknown, command: Command) => {
      console.log(await verifyAuditChain(connect(command)));
    });

  group
    .command('list')
    .description('print audit entries, oldest first')
    .option('--after <seq>', 'entries after this seq')
    .option('--limit <n>', 'at most this many (1–200)', '50')
    .option('--actor <id>', 'only this operator')
    .option('--action <action>', 'only this action, e.g. dead-letter.replay')
    .option('--outcome <outcome>', 'only ok, refused or failed')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => {
      const { json, ...query } = options;
      const page = await connect(command).get<AuditPage>('/v1/admin/audit', { ...query });
      if (json) console.log(JSON.stringify(page, null, 2));
      else {
        for (const e of page.items) console.log(entryLine(e));
        if (page.nextCursor !== null) console.log(`… more: --after ${page.nextCursor}`);
      }
    });
}

interface ListOptions {
  after?: string;
  limit?: string;
  actor?: string;
  action?: string;
  outcome?: string;
  json?: boolean;
}

function entryLine(e: AuditEntry): string {
  return [e.seq, e.at, e.actor, e.action, e.target, e.outcome, e.reason ?? ''].join('  ').trim();
}

/** The line for an intact chain; throws a CommandFailure (exit 2) naming the first broken seq. */
export async function verifyAuditChain(api: OperatorApi): Promise<string> {
  let head = GENESIS;
  let after = '0';
  let trimmedBefore: number | undefined;
  for (;;) {
    const page = await api.get<AuditPage>('/v1/admin/audit', { after, limit: 200 });
    const first = page.items[0];
    if (after === '0' && first && first.seq > 1) {
      // Retention trimmed the oldest entries (gateway/README.md#audit-chain): the check begins at
      // the first one kept, chained from its own prevHash, and the line below says so.
      trimmedBefore = first.seq;
      head = { seq: first.seq - 1, hash: first.prevHash };
    }
    const verdict = verifyChain(page.items, head);
    if (!verdict.ok) {
      throw new CommandFailure(
        `audit chain broken at seq ${verdict.brokenSeq}: entry ${verdict.brokenSeq} is missing, altered or out of order (${verdict.head.seq} entries before it are intact)`,
        CHAIN_BROKEN_EXIT,
      );
    }
    head = verdict.head;
    if (page.nextCursor === null) break;
    after = page.nextCursor;
  }
  const gateway = await api.get<AuditVerification>('/v1/admin/audit/verification');
  if (!gateway.ok) {
    throw new CommandFailure(
      `audit chain broken at seq ${gateway.brokenSeq}: the gateway's check against the chain's recorded head fails there (${gateway.checked} entries before it are intact)`,
      CHAIN_BROKEN_EXIT,
    );
  }
  if (trimmedBefore === undefined)
    return `audit chain intact: ${head.seq} entries, last hash ${head.hash.slice(0, 16)}…`;
  return `audit chain intact: seq ${trimmedBefore} to ${head.seq} (${head.seq - trimmedBefore + 1} entries), last hash ${head.hash.slice(0, 16)}…; the entries before seq ${trimmedBefore} are not in the chain (trimmed): checked from its prevHash, which nothing left can confirm`;
}
