// A 督办 list's order over every board (gateway/console/README.md#pages): each board's deadlines
// index (a sorted set, due time → `<kind>:<id>`) read from just after a position, a batch at a
// time, so SupervisionBoard.subjectsPage can merge the boards into one order — soonest due first,
// ties by member, as Redis orders a sorted set — and start a page exactly where the last one ended.
import type { RedisClient } from '../shared/redis.ts';

/** A place in a 督办 list's order: a deadlines index member and its due time. */
export interface ListPosition {
  dueMs: number;
  /** `<kind>:<id>`. */
  member: string;
}

/** Whether `a` comes before `b`: sooner due, then by member, as Redis orders a sorted set. */
export const before = (a: ListPosition, b: ListPosition) =>
  a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.member < b.member);

/**
 * One board's deadlines index from just after `after`, a batch at a time: the members due at the
 * same time as `after` are read whole and those up to it dropped (a sorted set cannot start after
 * a member by score and name at once), then the later ones from the next score on.
 */
export function deadlineStream(redis: RedisClient, key: string, after: ListPosition | undefined) {
  const BATCH = 200;
  let buffer: ListPosition[] = [];
  let offset = 0;
  let done = false;
  let tiesRead = after === undefined;
  const parse = (raw: string[]) => {
    const out: ListPosition[] = [];
    for (let i = 0; i < raw.length; i += 2)
      out.push({ member: raw[i]!, dueMs: Number(raw[i + 1]) });
    return out;
  };
  async function fill(): Promise<void> {
    if (!tiesRead && after) {
      tiesRead = true;
      const ties = parse(await redis.zrangebyscore(key, after.dueMs, after.dueMs, 'WITHSCORES'));
      buffer = ties.filter((t) => t.member > after.member);
      if (buffer.length > 0) return;
    }
    const min = after ? `(${after.dueMs}` : '-inf';
    const raw = await redis.zrangebyscore(key, min, '+inf', 'WITHSCORES', 'LIMIT', offset, BATCH);
    offset += raw.length / 2;
    buffer = parse(raw);
    if (raw.length < BATCH * 2) done = true;
  }
  return {
    async peek(): Promise<ListPosition | undefined> {
      while (buffer.length === 0 && !done) await fill();
      return buffer[0];
    },
    take(): ListPosition {
      return buffer.shift()!;
    },
  };
}
