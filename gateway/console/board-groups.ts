// The 督办 groups the console shows (gateway/console/README.md#pages): 在办 open, 预警 warned and
// not yet overdue (near its deadline), 超期 overdue, 通报 escalated. The board's gauges overlap —
// an overdue subject keeps its warning flag — so a 预警 group read straight from the warning gauge
// held the overdue subjects too, the late ones listed above those still near their deadline; here
// 预警 leaves out what 超期 holds. 通报 stays a part of 超期: an escalated subject is still late,
// and the 超期 list is where the late ones are ordered by how late.
import type { GaugeState, SubjectFilter } from '../supervision/supervision-board.ts';
import { warningOnly } from '../supervision/supervision-stats.ts';

/** The state a group leaves out: the overdue ones, for 预警. */
export function groupExclusion(state: GaugeState): GaugeState | undefined {
  return state === 'warning' ? 'overdue' : undefined;
}

/** A group's list filter on the board. */
export function groupFilter(filter: Omit<SubjectFilter, 'unless'>): SubjectFilter {
  return { ...filter, unless: groupExclusion(filter.state) };
}

/**
 * The gauges' counts as the groups count them: 预警 without the overdue — the figure
 * `/v1/stats/supervision` answers as `warningOnly` (its `warning` keeps the overdue).
 */
export function groupCounts<T extends Record<GaugeState, number>>(counts: T): T {
  return { ...counts, warning: warningOnly(counts) };
}
