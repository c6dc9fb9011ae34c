// The re-rating windows of the rectifications rectified or explained by a gateway that opened none
// (gateway/README.md#rectification-lifecycle): those moved before the default re-rating existed,
// and those a gateway of the previous version moves while a rolling upgrade runs. Without this
// they would wait for their portal forever — the gap the default closes. Once a day per owner
// province, the default re-rating pass (default-re-ratings.ts) walks its RECTIFIED and EXPLAINED
// indexes and opens, for each one without a window, the window its move would have opened: the
// province's reRatingWindowDays from the move's history entry (long past for most: the same pass
// re-rates them by default). Each opening is a compare-and-set (open-re-rating-window.lua), so a
// move, a portal's re-rating or another worker's walk meanwhile leaves at most one window; the time
// of the last walk, in the province's slot, says when the next is due. Why daily and not once: a
// marker set once by the first new worker left every move an older gateway made after it without
// a window, until an operator deleted the marker. The walk reads only the rectifications awaiting
// their re-rating, each one GET for those that have a window.
import type { Logger } from '../shared/logger.ts';
import type { SupervisionPolicy } from '../supervision/supervision-policy.ts';
import type { RectificationStatus } from './rectification-lifecycle.ts';
import type { RectificationStore } from './rectification-store.ts';

const DAY_MS = 86_400_000;
/** How long after a walk the next one is due. */
const WALK_EVERY_MS = DAY_MS;
const PAGE = 200;
const AWAITING: readonly RectificationStatus[] = ['RECTIFIED', 'EXPLAINED'];

export interface ReRatingBackfillDeps {
  rectifications: RectificationStore;
  policy: SupervisionPolicy;
  provinces: readonly string[];
  log: Pick<Logger, 'info'>;
  now: () => Date;
}

/** Opens the missing windows of every province not walked for a day; returns how many it opened. */
export async function openMissingReRatingWindows(deps: ReRatingBackfillDeps): Promise<number> {
  const windows = deps.rectifications.reRatingWindows;
  let opened = 0;
  for (const province of deps.provinces) {
    const startedAt = deps.now();
    const last = await windows.lastWalk(province);
    if (last !== undefined && startedAt.getTime() - last < WALK_EVERY_MS) continue;
    let here = 0;
    for (const status of AWAITING) here += await walk(deps, province, status);
    await windows.markWalked(province, startedAt.toISOString());
    if (here > 0) {
      deps.log.info(
        { province, opened: here },
        're-rating windows opened for rectifications moved by a gateway that opened none',
      );
    }
    opened += here;
  }
  return opened;
}

async function walk(
  deps: ReRatingBackfillDeps,
  province: string,
  status: RectificationStatus,
): Promise<number> {
  const store = deps.rectifications;
  const days = deps.policy.forProvince(province).reRatingWindowDays;
  let opened = 0;
  let after: string | undefined;
  for (;;) {
    const ids = await store.page(province, { status }, after, PAGE);
    for (const id of ids) {
      const r = await store.get(id);
      if (!r || r.status !== status || r.reRatingDueAt) continue;
      // The move that rectified or explained it: the first entry in that status (a 督办 flag's
      // entry after it keeps the status).
      const moved = (await store.history(id)).find((h) => h.status === status);
      const from = Date.parse(moved?.at ?? r.updatedAt);
      if (await store.reRatingWindows.open(province, id, status, from + days * DAY_MS)) opened++;
    }
    if (ids.length < PAGE) return opened;
    // Page cursors are the ULID after `RC<province>`.
    after = ids.at(-1)!.slice(2 + province.length);
  }
}
