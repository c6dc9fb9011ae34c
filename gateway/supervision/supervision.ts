// 督办 (supervision, gateway/README.md#supervision-flags): the orthogonal flags of an open case. `warning` when 80 % of
// the promised time is used, `overdue` at the due time, `escalated` one day after it while still
// open. A periodic pass raises the flags that fell due (supervision-schedule.ts), records them in
// the history and drops them from the schedule. Paused cases (补正, 特别程序) are skipped;
// resuming reschedules them with the extended due time.
import type { CaseStore } from '../cases/case-store.ts';
import { PAUSED } from '../cases/lifecycle.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import type { SupervisionFlag } from '../shared/redis-keys.ts';
import { FLAGS, type SupervisionSchedule } from './supervision-schedule.ts';

const NOTES: Record<SupervisionFlag, string> = {
  warning: '督办预警: 80% of the promised time used',
  overdue: '督办: promised time exceeded (overdue)',
  escalated: '督办: escalated, still open one day after the promised time',
};

const OPEN_EXCLUDED = new Set(['CLOSED', 'NOT_ACCEPTED', 'RESULT_DELIVERED', 'DECIDED']);
const HOUR_MS = 3_600_000;

export interface SupervisorDeps {
  store: CaseStore;
  schedule: SupervisionSchedule;
  log: Logger;
}

/** One pass: raises every flag that fell due by `nowMs`. Returns how many flags were raised. */
export async function superviseOnce(
  deps: SupervisorDeps,
  nowMs = deps.store.now().getTime(),
): Promise<number> {
  const { store, schedule, log } = deps;
  let raised = 0;
  for (const flag of FLAGS) {
    for (const id of await schedule.due(flag, nowMs, 200)) {
      const record = await store.get(id);
      if (!record || OPEN_EXCLUDED.has(record.status) || record.flags[flag]) {
        await schedule.drop(flag, id);
        continue;
      }
      if (PAUSED.has(record.status)) {
        // The clock is stopped and resuming reschedules it; look again in an hour meanwhile, so
        // paused cases never crowd the front of the set.
        await schedule.later(flag, id, nowMs + HOUR_MS);
        continue;
      }
      // The pass's own time: a flag is raised when it fell due by this pass.
      if (await store.raiseFlag(id, flag, NOTES[flag], new Date(nowMs).toISOString())) {
        raised++;
        log.info({ caseId: id, flag }, 'supervision flag raised');
      }
      await schedule.drop(flag, id);
    }
  }
  return raised;
}

export function startSupervisor(deps: SupervisorDeps, intervalMs: number) {
  let running: Promise<unknown> = Promise.resolve();
  // Redis down fails every pass: one line a second, with a count (gateway/README.md#operations).
  const failures = rateLimitedLog(deps.log);
  const timer = setInterval(() => {
    running = superviseOnce(deps).catch((error: unknown) =>
      failures.warn('supervision-pass', { err: error }, 'supervision pass failed'),
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
