// What the 督办 engine and 好差评 need, put together the same way by every process that runs them
// (gateway, worker): the working-day calendar, as a source read at each use — the published
// catalogue's (gateway/README.md#live-reload), so a year published later reaches them without a
// restart — and, loaded and checked once at start from files, the per-province deadlines and the
// alliance's provinces.
import type { Config } from '../../config/load-config.ts';
import type { CalendarSource } from '../calendar/working-days.ts';
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
  calendar: CalendarSource,
  alliance: Alliance = loadAlliance(),
): SupervisionData {
  const provinces = alliance.members.map((m) => m.province);
  return {
    calendar,
    policy: loadSupervisionPolicy(provinces, config.supervisionFile),
    provinces,
  };
}
