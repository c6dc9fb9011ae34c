// /readyz's warnings (gateway/README.md#operations-endpoints): the gateway is ready, but operators
// should act — today, a working-day calendar missing for a year the 督办 deadlines need. The
// furthest deadline pending is the board's last scheduled look, one sorted-set read.
import { calendarWarnings, type CalendarWarning } from '../calendar/calendar-warnings.ts';
import type { CalendarSource } from '../calendar/working-days.ts';
import type { SupervisionBoard } from './supervision-board.ts';

export function readinessWarnings(deps: {
  board: SupervisionBoard;
  calendar: CalendarSource;
  now: () => Date;
}): () => Promise<CalendarWarning[]> {
  return async () =>
    calendarWarnings(deps.calendar(), deps.now(), await deps.board.latestDeadline());
}
