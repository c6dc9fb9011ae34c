// The default rating (schemas/README.md#service-evaluation): an applicant who does not rate within
// the window after CLOSED (default 7 natural days, per the rated province) is counted 基本满意,
// recorded as an evaluation with `source: "default"`. The closing move's transition listener opens
// one window per rated party; the worker's pass records the default for every window that ended,
// through the same Lua step as an applicant's evaluation, so a rating and its default can never
// both be stored and several workers record it once.
import { ulid } from 'ulid';
import { chinaDate } from '../calendar/working-days.ts';
import type { TransitionListener } from '../cases/case-move.ts';
import type { CaseStore } from '../cases/case-store.ts';
import type { SupervisionPolicy } from '../supervision/supervision-policy.ts';
import type { Logger } from '../shared/logger.ts';
import { DEFAULT_LEVEL, type Evaluation, type RatedParty } from './evaluation.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import { isRoutedCase, ratedParties, ratedProvince } from './rated-party.ts';
import { evaluationCounters } from './submit-evaluation.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BATCH = 200;
const MAX_BATCHES = 50;

/** Opens the rating windows of a routed case when it closes. */
export function ratingWindowListener(
  evaluations: EvaluationStore,
  policy: SupervisionPolicy,
): TransitionListener {
  return async ({ record, status, at }) => {
    if (status !== 'CLOSED' || !isRoutedCase(record)) return;
    for (const rated of ratedParties(record)) {
      const province = ratedProvince(record, rated);
      const days = policy.forProvince(province).evaluationWindowDays;
      await evaluations.scheduleWindow(province, record.id, rated, Date.parse(at) + days * DAY_MS);
    }
  };
}

export interface DefaultRatingDeps {
  store: CaseStore;
  evaluations: EvaluationStore;
  /** The alliance's provinces, whose windows are looked at. */
  provinces: readonly string[];
  log: Logger;
  now: () => Date;
}

/** Records 基本满意 for every window that ended by `nowMs`; returns how many it recorded. */
export async function recordDefaultRatings(
  deps: DefaultRatingDeps,
  nowMs = deps.now().getTime(),
): Promise<number> {
  let recorded = 0;
  for (const province of deps.provinces) {
    // Batch after batch: every window looked at leaves the set, or is postponed after a failure.
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const ended = await deps.evaluations.endedWindows(province, nowMs, BATCH);
      for (const window of ended) {
        try {
          if (await recordDefault(deps, province, window, nowMs)) recorded++;
        } catch (error) {
          deps.log.warn(
            { err: error, caseId: window.caseId },
            'default rating failed; again in an hour',
          );
          await deps.evaluations.postponeWindow(province, window.member, nowMs + HOUR_MS);
        }
      }
      if (ended.length < BATCH) break;
    }
  }
  return recorded;
}

async function recordDefault(
  deps: DefaultRatingDeps,
  province: string,
  window: { caseId: string; rated: RatedParty; member: string },
  nowMs: number,
): Promise<boolean> {
  const record = await deps.store.get(window.caseId);
  if (!record || !isRoutedCase(record)) {
    await deps.evaluations.dropWindow(province, window.member);
    return false;
  }
  const at = new Date(nowMs);
  const evaluation: Evaluation = {
    evaluationId: `EV${ulid(nowMs)}`,
    caseId: record.id,
    rated: window.rated,
    province,
    itemCode: record.itemCode,
    clientId: record.clientId,
    level: DEFAULT_LEVEL,
    source: 'default',
    at: at.toISOString(),
    date: chinaDate(at),
  };
  const outcome = await deps.evaluations.create(evaluation, evaluationCounters(evaluation, false));
  return outcome.created;
}
