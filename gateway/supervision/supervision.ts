// 督办 (supervision, gateway/README.md#supervision-flags): the orthogonal flags of an open case.
// `warning` when 80 % of the promised time is used, `overdue` at the due time, `escalated` one day
// after it while still open. Each case is scheduled in three sorted sets (score = when the flag
// falls due); a periodic pass raises the flags that fell due, records them in the history and
// removes the entries. Paused cases (补正, 特别程序) are skipped; resuming reschedules them with the
// extended due time.
import type { CaseFlags, CaseRecord } from '../cases/case-record.ts';
import type { CaseStore } from '../cases/case-store.ts';
import { PAUSED } from '../cases/lifecycle.ts';
import type { Logger } from '../shared/logger.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';

const FLAGS = ['warning', 'overdue', 'escalated'] as const;
type Flag = (typeof FLAGS)[number];

const NOTES: Record<Flag, string> = {
  warning: '督办预警: 80% of the promised time used',
  overdue: '督办: promised time exceeded (overdue)',
  escalated: '督办: escalated, still open one day after the promised time',
};

// KEYS: the flag sets to schedule the case in; ARGV[1]: case id, ARGV[1 + i]: when KEYS[i] falls due.
const SCHEDULE = luaScript(
  "for i, k in ipairs(KEYS) do redis.call('ZADD', k, ARGV[i + 1], ARGV[1]) end return #KEYS",
);

const OPEN_EXCLUDED = new Set(['CLOSED', 'NOT_ACCEPTED', 'RESULT_DELIVERED', 'DECIDED']);
const DAY_MS = 86_400_000;

function key(store: CaseStore, flag: Flag): string {
  return `${store.prefix}:supervise:${flag}`;
}

export function flagTimes(createdAt: string, dueAt: string): Record<Flag, number> {
  const start = Date.parse(createdAt);
  const due = Date.parse(dueAt);
  return { warning: start + 0.8 * (due - start), overdue: due, escalated: due + DAY_MS };
}

/** Schedules (or reschedules, after a pause) the flags of a case that has a due time. */
export async function scheduleSupervision(
  store: CaseStore,
  record: CaseRecord,
  dueAt = record.dueAt,
) {
  if (!dueAt) return;
  const times = flagTimes(record.createdAt, dueAt);
  const pending = FLAGS.filter((flag) => !record.flags[flag]);
  if (pending.length === 0) return;
  // One atomic script rather than MULTI: on the connection BullMQ shares, every multi() copies its
  // ~60 commands onto a new pipeline, ~250 µs of CPU per submission (issue 7).
  await runScript(
    store.redis,
    SCHEDULE,
    pending.map((flag) => key(store, flag)),
    [record.id, ...pending.map((flag) => times[flag])],
  );
}

/** One pass: raises every flag that fell due by `now`. Returns how many flags were raised. */
export async function superviseOnce(
  store: CaseStore,
  log: Logger,
  now = Date.now(),
): Promise<number> {
  let raised = 0;
  for (const flag of FLAGS) {
    const ids = await store.redis.zrangebyscore(key(store, flag), '-inf', now, 'LIMIT', 0, 200);
    for (const id of ids) {
      const record = await store.get(id);
      if (!record || OPEN_EXCLUDED.has(record.status) || record.flags[flag]) {
        await store.redis.zrem(key(store, flag), id);
        continue;
      }
      if (PAUSED.has(record.status)) {
        // The clock is stopped and resuming reschedules it; look again in an hour meanwhile, so
        // paused cases never crowd the front of the set.
        await store.redis.zadd(key(store, flag), now + 3_600_000, id);
        continue;
      }
      const flags: CaseFlags = { ...record.flags, [flag]: true };
      const at = new Date(now).toISOString();
      await store.redis
        .multi()
        .hset(store.caseKey(id), 'flags', JSON.stringify(flags))
        .rpush(
          store.historyKey(id),
          JSON.stringify({ at, status: record.status, actor: 'supervisor', note: NOTES[flag] }),
        )
        .zrem(key(store, flag), id)
        .exec();
      raised++;
      log.info({ caseId: id, flag }, 'supervision flag raised');
    }
  }
  return raised;
}

export function startSupervisor(store: CaseStore, log: Logger, intervalMs: number) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = superviseOnce(store, log).catch((error: unknown) =>
      log.warn({ err: error }, 'supervision pass failed'),
    );
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
