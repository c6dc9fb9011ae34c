// What the 督办 engine and 好差评 need from files, loaded and checked once at start the same way by
// every process (gateway, worker, operator CLI): the working-day calendar (as a source, so a year
// published later reaches it), the per-province deadlines and the alliance's provinces.
import type { Config } from '../../config/load-config.ts';
import {
  fixedCalendarSource,
  loadCalendar,
  type CalendarSource,
} from '../calendar/working-days.ts';
import { loadAlliance, type Alliance } from '../routing/alliance.ts';
import { loadSupervisionPolicy, type SupervisionPolicy } from './supervision-policy.ts';

export interface SupervisionData {
  calendar: CalendarSource;
  policy: SupervisionPolicy;
  /** The alliance's provinces (two-digit codes): whose windows, rectifications and statistics. */
  provinces: readonly string[];
}

export function loadSupervisionData(
  config: Pick<Config, 'supervisionFile'>,
  alliance: Alliance = loadAlliance(),
): SupervisionData {
  const provinces = alliance.members.map((m) => m.province);
  return {
    calendar: fixedCalendarSource(loadCalendar()),
    policy: loadSupervisionPolicy(provinces, config.supervisionFile),
    provinces,
  };
}
