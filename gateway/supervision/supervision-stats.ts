// GET /v1/stats/supervision?province=&itemCode= (gateway/README.md#supervision-engine): how many
// cases and rectifications are open, and of those how many carry a warning, are overdue or
// escalated — now, by province and item — read from the board's gauges, which every track, raise
// and settle keeps, so the answer costs one hash read whatever the number of cases.
// `warning` counts the subjects carrying the warning flag, and a flag is never lowered, so the
// overdue ones are in it too: clients read it so (documented since the endpoint was added) and it
// stays. `warningOnly` is the figure the console's 预警 shows — warned and not yet overdue — from
// the one function both use (warningOnly below), so the stats and the console say the same thing.
import type { FromSchema } from 'json-schema-to-ts';
import type { RequestContract } from '../http/request-contract.ts';
import type { SubjectKind } from '../shared/redis-keys.ts';
import {
  GAUGE_STATES,
  type Gauge,
  type GaugeState,
  type SupervisionBoard,
} from './supervision-board.ts';

export const SUPERVISION_STATS_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    province: { type: 'string', pattern: '^[0-9]{2}$', description: 'Province that must act.' },
    itemCode: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$', description: 'Item code.' },
  },
} as const;
export type SupervisionStatsQuery = FromSchema<typeof SUPERVISION_STATS_QUERY_SCHEMA>;

export const SUPERVISION_STATS_QUERY: RequestContract<SupervisionStatsQuery> = {
  in: 'query',
  component: 'SupervisionStatsQuery',
  schema: SUPERVISION_STATS_QUERY_SCHEMA,
};

type StateCounts = Record<GaugeState, number> & { warningOnly: number };

/**
 * Warned and not yet overdue (the console's 预警): every overdue subject was warned first (the
 * pass raises a subject's flags in order), so it is the warning gauge less the overdue one.
 */
export function warningOnly(counts: Pick<StateCounts, 'warning' | 'overdue'>): number {
  return Math.max(0, counts.warning - counts.overdue);
}

function counts(gauges: readonly Gauge[]): StateCounts {
  const out = Object.fromEntries(GAUGE_STATES.map((s) => [s, 0])) as Record<GaugeState, number>;
  for (const g of gauges) out[g.state] += g.count;
  return { ...out, warningOnly: warningOnly(out) };
}

function by(gauges: readonly Gauge[], key: 'province' | 'itemCode') {
  const values = [...new Set(gauges.map((g) => g[key]))].sort();
  return values.map((value) => ({
    [key]: value,
    ...counts(gauges.filter((g) => g[key] === value)),
  }));
}

function section(gauges: readonly Gauge[], kind: SubjectKind) {
  const mine = gauges.filter((g) => g.kind === kind);
  return { totals: counts(mine), byProvince: by(mine, 'province'), byItem: by(mine, 'itemCode') };
}

export async function supervisionStats(board: SupervisionBoard, query: SupervisionStatsQuery) {
  const gauges = (await board.gauges()).filter(
    (g) =>
      (!query.province || g.province === query.province) &&
      (!query.itemCode || g.itemCode === query.itemCode),
  );
  return {
    filters: { province: query.province ?? null, itemCode: query.itemCode ?? null },
    cases: section(gauges, 'case'),
    rectifications: section(gauges, 'rectification'),
  };
}
