// Production-sized data for the console's pages (gateway/console/README.md#audit-chain-at-scale), written
// through the gateway's own code, only faster than one request at a time: an audit chain hashed by
// the append path's chainEntry and stored with HSET in pipelines (the same entries append would
// store, without its compare-and-set per batch), and open cases tracked on the 督办 board and
// flagged overdue by the board's own track and raise (their case hashes hold only a status).
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { RedisKeys } from '../../gateway/shared/redis-keys.ts';
import {
  chainEntry,
  GENESIS,
  type AuditEntryInput,
  type ChainHead,
} from '../../gateway/audit/audit-chain.ts';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import type { SupervisionBoard } from '../../gateway/supervision/supervision-board.ts';
import { buildNotice } from '../../gateway/supervision/supervision-notice.ts';

/** An operator action as the console appends them, the n-th of a busy day. */
export function operatorAction(n: number): AuditEntryInput {
  return {
    actor: n % 3 ? 'operator-dev' : 'operator-dev-2',
    action: n % 5 ? 'case.read-unmasked' : 'dead-letter.replay',
    target: `01JSCALE${String(n).padStart(18, '0')}`,
    outcome: n % 17 ? 'ok' : 'refused',
    reason: 'OPS-1234: 核对申报材料',
    requestId: `0b6e5a0c-${String(n % 10_000).padStart(4, '0')}-4c7e-9a51-2f1d3c4b5a69`,
  };
}

/**
 * Appends `count` entries after the chain's current head, one second apart from `from`, as a
 * valid chain; answers the new head. Only for a chain nothing else appends to meanwhile.
 */
export async function fillAuditChain(
  redis: RedisClient,
  keys: RedisKeys,
  count: number,
  from = new Date('2026-06-01T00:00:00Z'),
): Promise<ChainHead> {
  const [seq, hash] = await redis.hmget(keys.audit.head, 'seq', 'hash');
  let head: ChainHead = seq && hash ? { seq: Number(seq), hash } : GENESIS;
  for (let done = 0; done < count;) {
    const chunk = Math.min(2000, count - done);
    const fields: string[] = [];
    for (let i = 0; i < chunk; i += 1) {
      const n = head.seq + 1;
      const entry = chainEntry(head, operatorAction(n), new Date(from.getTime() + n * 1000));
      fields.push(String(entry.seq), JSON.stringify(entry));
      head = { seq: entry.seq, hash: entry.hash };
    }
    await redis.hset(keys.audit.entries, ...fields);
    done += chunk;
  }
  await redis.hset(keys.audit.head, 'seq', head.seq, 'hash', head.hash);
  return head;
}

/**
 * `count` open cases of one province and item on the board, flagged overdue, due before `nowMs`
 * seven at a time (as cases due the same working day share one due instant): answers their ids in
 * the board's order, soonest due first, then by id.
 */
export async function trackOverdueCases(
  redis: RedisClient,
  keys: RedisKeys,
  board: SupervisionBoard,
  count: number,
  nowMs: number,
  where: { province: string; itemCode: string; shards: number } = {
    province: '53',
    itemCode: 'SF-009',
    shards: 16,
  },
): Promise<string[]> {
  const ids: { id: string; dueAt: string }[] = [];
  for (let start = 0; start < count; start += 100) {
    const made = Array.from({ length: Math.min(100, count - start) }, (_, j) => {
      const i = start + j;
      const id = newCaseId(i % where.shards);
      const dueAt = new Date(nowMs - Math.ceil((count - i) / 7) * 60_000).toISOString();
      return { i, id, dueAt };
    });
    await Promise.all(
      made.map(async ({ id, dueAt }) => {
        const subject = {
          kind: 'case' as const,
          id,
          province: where.province,
          itemCode: where.itemCode,
        };
        // The board keeps a case's record in its case hash (supervision/scripts/subject-record.lua),
        // which must exist: a routed case's status is all the board reads of it.
        await redis.hset(keys.case(id), 'status', 'ROUTED');
        await board.track(subject, nowMs + 86_400_000, dueAt);
        const supervised = {
          ...subject,
          caseId: id,
          deadline: { dueAt, promisedDays: 5 },
          state: 'open' as const,
        };
        await board.raise(
          subject,
          'overdue',
          buildNotice(board.newNoticeId(nowMs), supervised, 'overdue', new Date(nowMs)),
        );
      }),
    );
    made.forEach((m) => ids.push({ id: m.id, dueAt: m.dueAt }));
  }
  return ids
    .sort((a, b) => (a.dueAt === b.dueAt ? (a.id < b.id ? -1 : 1) : a.dueAt < b.dueAt ? -1 : 1))
    .map((s) => s.id);
}
