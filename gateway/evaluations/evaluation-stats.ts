// GET /v1/stats/evaluations?province=&itemCode=&from=&to= (gateway/README.md#evaluation-statistics):
// 好评率, 差评数, 整改率, 回访率 and the counts behind them, by rated province, item and rated party,
// from the counters the evaluation and rectification steps keep (rating-counters.ts) — never from
// the evaluations themselves, so no comment, name or number can reach a statistic.
//   好评率 = levels 4–5 / evaluations; 差评数 = levels 1–2 (an upheld appeal removes one);
//   回访率 = visited / rectifications opened; 整改率 = (rectified + explained) / opened;
//   reRated counts the default re-ratings too, defaultReRatings says how many (like defaultRatings).
// from/to are China dates of the evaluations (a rectification counts with its 差评).
import type { FromSchema } from 'json-schema-to-ts';
import type { RequestContract } from '../http/request-contract.ts';
import { GatewayError } from '../shared/errors.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import { COUNTERS, type Counter, type CounterRow } from './rating-counters.ts';

export const EVALUATION_STATS_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    province: { type: 'string', pattern: '^[0-9]{2}$', description: 'Rated province, two digits.' },
    itemCode: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$', description: 'Item code.' },
    from: { type: 'string', format: 'date', description: 'First China date (YYYY-MM-DD).' },
    to: { type: 'string', format: 'date', description: 'Last China date (YYYY-MM-DD).' },
  },
} as const;
export type EvaluationStatsQuery = FromSchema<typeof EVALUATION_STATS_QUERY_SCHEMA>;

export const EVALUATION_STATS_QUERY: RequestContract<EvaluationStatsQuery> = {
  in: 'query',
  component: 'EvaluationStatsQuery',
  schema: EVALUATION_STATS_QUERY_SCHEMA,
};

type Counts = Record<Counter, number>;

const rate = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

function figures(c: Counts) {
  const evaluations = c.level1 + c.level2 + c.level3 + c.level4 + c.level5;
  const handled = c.rectRectified + c.rectExplained;
  return {
    evaluations,
    levels: { 1: c.level1, 2: c.level2, 3: c.level3, 4: c.level4, 5: c.level5 },
    defaultRatings: c.defaults,
    goodRate: rate(c.level4 + c.level5, evaluations),
    badCount: c.level1 + c.level2,
    voided: c.voided,
    rectifications: {
      opened: c.rectOpened,
      visited: c.rectVisited,
      rectified: c.rectRectified,
      explained: c.rectExplained,
      appealed: c.rectAppealed,
      appealsUpheld: c.rectUpheld,
      reRated: c.rectReRated,
      reRatedGood: c.rectReRatedGood,
      defaultReRatings: c.rectDefaultReRated,
      visitRate: rate(c.rectVisited, c.rectOpened),
      rectifyRate: rate(handled, c.rectOpened),
    },
  };
}

function sum(rows: readonly CounterRow[]): Counts {
  const counts = {} as Counts;
  for (const counter of COUNTERS) counts[counter] = 0;
  for (const row of rows) counts[row.counter] += row.count;
  return counts;
}

function grouped<K extends string>(
  rows: readonly (CounterRow & { province: string })[],
  key: (row: CounterRow & { province: string }) => string,
  name: K,
) {
  const groups = new Map<string, (CounterRow & { province: string })[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([value, group]) =>
        ({ [name]: value, ...figures(sum(group)) }) as { [P in K]: string } & ReturnType<
          typeof figures
        >,
    );
}

export interface EvaluationStatsDeps {
  evaluations: EvaluationStore;
  provinces: readonly string[];
}

export async function evaluationStats(deps: EvaluationStatsDeps, query: EvaluationStatsQuery) {
  if (query.from && query.to && query.from > query.to) {
    throw new GatewayError('GW_INVALID_PARAMETER', {
      errors: [
        {
          path: '/query/from',
          message: 'must not be after to',
          messageZh: '起始日期不能晚于结束日期',
        },
      ],
    });
  }
  const provinces = query.province ? [query.province] : deps.provinces;
  const perProvince = await Promise.all(
    provinces.map(async (province) =>
      (await deps.evaluations.counters(province, query.from, query.to)).map((row) => ({
        ...row,
        province,
      })),
    ),
  );
  const rows = perProvince.flat().filter((r) => !query.itemCode || r.itemCode === query.itemCode);
  return {
    filters: {
      province: query.province ?? null,
      itemCode: query.itemCode ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
    },
    totals: figures(sum(rows)),
    byProvince: grouped(rows, (r) => r.province, 'province'),
    byItem: grouped(rows, (r) => r.itemCode, 'itemCode'),
    byRated: grouped(rows, (r) => r.rated, 'rated'),
  };
}
