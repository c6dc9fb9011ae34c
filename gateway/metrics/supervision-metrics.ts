// Prometheus gauges of the 督办 board and the calendar (gateway/README.md#operations-endpoints),
// read at scrape time: `gw_supervision_subjects{kind, province, state}` — cases and rectifications
// open, with a warning, overdue, escalated, per province (items are summed: one series per item
// would multiply the series for little) — and `gw_calendar_year_missing{year, reason}`, 1 for each
// year a deadline needs without a working-day calendar. A scrape while Redis is down keeps the
// last values rather than failing /metrics. And `gw_calendar_recounted_total{year, outcome,
// reason}`: the due times this gateway's calendar recounts moved (`recounted`) or kept and
// unmarked (`unmarked`) once a year's calendar was published, corrected or an operator asked
// again (`reason`: published, corrected, rerun; supervision/calendar-recount.ts).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CalendarWarning } from '../calendar/calendar-warnings.ts';
import type { RecountReason } from '../calendar/due-recount.ts';
import type { SupervisionBoard } from '../supervision/supervision-board.ts';

export const SUPERVISION_SUBJECTS = 'gw_supervision_subjects';
export const CALENDAR_YEAR_MISSING = 'gw_calendar_year_missing';
export const CALENDAR_RECOUNTED = 'gw_calendar_recounted_total';

/** Counts what this gateway's calendar recounts did; the function to tell it. */
export function registerCalendarRecountMetrics(
  registry: Registry,
): (year: number, outcome: 'recounted' | 'unmarked', count: number, reason: RecountReason) => void {
  const counter = new Counter({
    name: CALENDAR_RECOUNTED,
    help: "Due times counted again once their year's working-day calendar was published (reason published), corrected (corrected) or an operator asked (rerun): moved (recounted) or kept and no longer assumed (unmarked)",
    labelNames: ['year', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  return (year, outcome, count, reason) =>
    counter.inc({ year: String(year), outcome, reason }, count);
}

export function registerSupervisionMetrics(
  registry: Registry,
  deps: { board: SupervisionBoard; warnings: () => Promise<CalendarWarning[]> },
): void {
  new Gauge({
    name: SUPERVISION_SUBJECTS,
    help: 'Supervised cases and rectifications now open / warning / overdue / escalated, by province',
    labelNames: ['kind', 'province', 'state'] as const,
    registers: [registry],
    async collect() {
      let gauges;
      try {
        gauges = await deps.board.gauges();
      } catch {
        return;
      }
      this.reset();
      for (const g of gauges)
        this.inc({ kind: g.kind, province: g.province, state: g.state }, g.count);
    },
  });
  new Gauge({
    name: CALENDAR_YEAR_MISSING,
    help: 'A year the deadlines need has no working-day calendar (Monday to Friday assumed)',
    labelNames: ['year', 'reason'] as const,
    registers: [registry],
    async collect() {
      let warnings;
      try {
        warnings = await deps.warnings();
      } catch {
        return;
      }
      this.reset();
      for (const w of warnings) this.set({ year: String(w.year), reason: w.reason }, 1);
    },
  });
}
