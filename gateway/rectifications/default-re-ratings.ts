// The default re-rating (gateway/README.md#rectification-lifecycle): a rectification RECTIFIED or
// EXPLAINED whose portal does not re-rate it within the owner province's reRatingWindowDays
// (natural days, default 7) is re-rated 基本满意 by the gateway and closes — DOMAIN's rule for a
// rating never given (7 natural days after 办结 count as 基本满意), applied to the re-rating, so a
// rectification cannot wait forever and the 整改 statistics settle. The window is opened and closed
// by the moves' own Lua step (re-rating-windows.ts); the worker's pass records the default for every
// window that ended through that same step as the portal's re-rating (move-rectification.lua, the
// `re-rated-by-default` row): whichever comes first closes it, once, however many workers race,
// and the other finds it CLOSED (the portal: 409 GW_ILLEGAL_TRANSITION, as any re-rating of a
// closed one). A portal's re-rating after the window ended records the default itself first
// (rectification-actions.ts), so it is refused whenever the pass last ran. The move is told like any other: the portal's callback, 督办 settled, counters.
// Once a day per province, before it looks, the pass opens the windows of the rectifications a
// gateway rectified or explained without opening one: before windows existed, or an older gateway
// during a rolling upgrade (re-rating-backfill.ts).
import { counterField, type CounterDelta } from '../evaluations/rating-counters.ts';
import { DEFAULT_LEVEL } from '../evaluations/evaluation.ts';
import type { Logger } from '../shared/logger.ts';
import type { SupervisionPolicy } from '../supervision/supervision-policy.ts';
import { openMissingReRatingWindows } from './re-rating-backfill.ts';
import { RECTIFICATION_LIFECYCLE } from './rectification-lifecycle.ts';
import type { LoadedRectification, RectificationStore } from './rectification-store.ts';

const HOUR_MS = 3_600_000;
const BATCH = 200;
const MAX_BATCHES = 50;
/** Reads again when something else moved it between the read and the step (as the API does). */
const ATTEMPTS = 3;
/** The history's actor of a default re-rating, as of the opening and the default rating. */
export const DEFAULT_RE_RATER = 'gateway';

const WAITING: readonly string[] = RECTIFICATION_LIFECYCLE['re-rated-by-default'].from;

export interface DefaultReRatingDeps {
  rectifications: RectificationStore;
  /** The owner provinces' reRatingWindowDays, for the windows from before the default. */
  policy: SupervisionPolicy;
  /** The alliance's provinces, whose windows are looked at. */
  provinces: readonly string[];
  log: Logger;
  now: () => Date;
}

/** Re-rates 基本满意 every rectification whose window ended by `nowMs`; returns how many. */
export async function recordDefaultReRatings(
  deps: DefaultReRatingDeps,
  nowMs = deps.now().getTime(),
): Promise<number> {
  await openMissingReRatingWindows(deps);
  const windows = deps.rectifications.reRatingWindows;
  let recorded = 0;
  for (const province of deps.provinces) {
    // Batch after batch: every window looked at leaves the set, or is put off after a failure.
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const ended = await windows.ended(province, nowMs, BATCH);
      for (const id of ended) {
        try {
          if (await reRateByDefault(deps, province, id)) recorded++;
        } catch (error) {
          deps.log.warn(
            { err: error, rectificationId: id },
            'default re-rating failed; again in an hour',
          );
          await windows.postpone(province, id, nowMs + HOUR_MS);
        }
      }
      if (ended.length < BATCH) break;
    }
  }
  return recorded;
}

/**
 * True when this call closed it; false when it was gone, re-rated or closed by another. Also the
 * API's, for a re-rating sent after the window ended but before the worker's pass looked
 * (rectification-actions.ts): the default is recorded then and there, as the pass would have.
 */
export async function reRateByDefault(
  deps: Pick<DefaultReRatingDeps, 'rectifications' | 'now'>,
  province: string,
  id: string,
): Promise<boolean> {
  const store = deps.rectifications;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await store.get(id);
    if (!read || !WAITING.includes(read.status)) {
      // Gone, or moved on by a step that closed its window already: nothing waits.
      await store.reRatingWindows.drop(province, id);
      return false;
    }
    const at = deps.now().toISOString();
    const outcome = await store.move(read, 're-rated-by-default', {
      actor: DEFAULT_RE_RATER,
      note: `re-rated ${DEFAULT_LEVEL} by default: no re-rating by ${read.reRatingDueAt ?? at}`,
      fields: { reRating: JSON.stringify({ level: DEFAULT_LEVEL, at, source: 'default' }) },
      counters: counters(read),
    });
    if (outcome.ok) return true;
    if (outcome.reason === 'missing') {
      await store.reRatingWindows.drop(province, id);
      return false;
    }
  }
  // Still changing: its window stays, the next pass looks again.
  return false;
}

function counters(r: LoadedRectification): CounterDelta[] {
  const field = (name: Parameters<typeof counterField>[2]) =>
    counterField(r.itemCode, r.rated, name);
  return [
    [field('rectReRated'), 1],
    [field('rectDefaultReRated'), 1],
    // 基本满意 is not 好评: reRatedGood stays.
  ];
}
