// When each 督办 flag of a case falls due (gateway/README.md#supervision-flags): three sorted sets,
// one per flag, scored by the time the flag falls due. Scheduled as a transition listener of the
// case store, so whichever process records a case's dispatch (gateway, reconciler, worker) or a
// new due time (a resumed case) schedules it; the supervisor raises the flags that fell due.
import type { Redis } from 'ioredis';
import type { CaseRecord } from '../cases/case-record.ts';
import type { TransitionListener } from '../cases/case-move.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { RedisKeys, SupervisionFlag } from '../shared/redis-keys.ts';

export const FLAGS: readonly SupervisionFlag[] = ['warning', 'overdue', 'escalated'];
const DAY_MS = 86_400_000;

// KEYS: the flag sets to schedule the case in; ARGV[1]: case id; ARGV[1 + i]: when KEYS[i] falls
// due (ms). Output: how many sets.
const SCHEDULE = luaScript(
  "for i, k in ipairs(KEYS) do redis.call('ZADD', k, ARGV[i + 1], ARGV[1]) end return #KEYS",
);

export function flagTimes(createdAt: string, dueAt: string): Record<SupervisionFlag, number> {
  const start = Date.parse(createdAt);
  const due = Date.parse(dueAt);
  return { warning: start + 0.8 * (due - start), overdue: due, escalated: due + DAY_MS };
}

export class SupervisionSchedule {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Schedules (or reschedules, after a pause) the flags not raised yet. */
  async add(record: CaseRecord, dueAt = record.dueAt): Promise<void> {
    const times = flagTimes(record.createdAt, dueAt);
    const pending = FLAGS.filter((flag) => !record.flags[flag]);
    if (pending.length === 0) return;
    // One atomic script rather than MULTI: on the connection BullMQ shares, every multi() copies its
    // ~60 commands onto a new pipeline, ~250 µs of CPU per submission (issue 7).
    await runScript(
      this.#redis,
      SCHEDULE,
      pending.map((flag) => this.#keys.supervision(flag)),
      [record.id, ...pending.map((flag) => times[flag])],
    );
  }

  /** Up to `limit` case ids whose `flag` fell due by `nowMs`. */
  async due(flag: SupervisionFlag, nowMs: number, limit: number): Promise<string[]> {
    return this.#redis.zrangebyscore(
      this.#keys.supervision(flag),
      '-inf',
      nowMs,
      'LIMIT',
      0,
      limit,
    );
  }

  async drop(flag: SupervisionFlag, caseId: string): Promise<void> {
    await this.#redis.zrem(this.#keys.supervision(flag), caseId);
  }

  /** Looks at the case again at `atMs` (a paused case). */
  async later(flag: SupervisionFlag, caseId: string, atMs: number): Promise<void> {
    await this.#redis.zadd(this.#keys.supervision(flag), atMs, caseId);
  }
}

/**
 * 督办 follows the case the portal follows — the single case or the joint parent — from the
 * moment it is routed; a new due time (a resumed case) reschedules the case that has it.
 */
export function supervisionListener(schedule: SupervisionSchedule): TransitionListener {
  return async ({ record, move, fields }) => {
    if (fields.dueAt) await schedule.add(record, fields.dueAt);
    else if (move === 'dispatched' && record.kind !== 'joint-child') await schedule.add(record);
  };
}
