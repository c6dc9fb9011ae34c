// The re-rating windows of the rectifications (gateway/README.md#rectification-lifecycle): per
// owner province, a sorted set of the RECTIFIED or EXPLAINED ones waiting for their portal's
// re-rating, scored by when the window ends. The move that rectifies or explains one opens its
// window and every later move closes it, in the move's own Lua step (move-rectification.lua): here
// they are read by the default re-rating pass (default-re-ratings.ts), and put off or dropped by
// it; the rectifications rectified or explained by a gateway that opened no window (before there
// were windows, or an older one during a rolling upgrade) get theirs by a daily walk
// (re-rating-backfill.ts).
import { readFileSync } from 'node:fs';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';

const OPEN = luaScript(
  readFileSync(new URL('./scripts/open-re-rating-window.lua', import.meta.url), 'utf8'),
);

export class ReRatingWindows {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;

  constructor(redis: RedisClient, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Ids of a province's rectifications whose window ended by `nowMs`, earliest first. */
  async ended(province: string, nowMs: number, limit: number): Promise<string[]> {
    const key = this.#keys.rating(province).reRatingWindows;
    return this.#redis.zrangebyscore(key, '-inf', nowMs, 'LIMIT', 0, limit);
  }

  /** When a rectification's window ends (ms), or undefined when none is open. */
  async endOf(province: string, id: string): Promise<number | undefined> {
    const score = await this.#redis.zscore(this.#keys.rating(province).reRatingWindows, id);
    return score === null ? undefined : Number(score);
  }

  /** Looks at a window again at `atMs` (a default that failed), if it is still open. */
  async postpone(province: string, id: string, atMs: number): Promise<void> {
    await this.#redis.zadd(this.#keys.rating(province).reRatingWindows, 'XX', atMs, id);
  }

  /**
   * Opens the window of one rectified or explained before windows existed, ending at `endMs`, if
   * it is still in `status` and has none (open-re-rating-window.lua); true when opened now.
   */
  async open(province: string, id: string, status: string, endMs: number): Promise<boolean> {
    const keys = this.#keys.rating(province);
    const opened = await runScript(
      this.#redis,
      OPEN,
      [keys.rectification(id), keys.reRatingWindows],
      [id, status, endMs, new Date(endMs).toISOString()],
    );
    return opened === 1;
  }

  /** When a province's awaiting rectifications were last walked for missing windows (ms), if ever. */
  async lastWalk(province: string): Promise<number | undefined> {
    const at = await this.#redis.get(this.#keys.rating(province).reRatingBackfilled);
    const ms = at === null ? NaN : Date.parse(at);
    return Number.isNaN(ms) ? undefined : ms;
  }

  async markWalked(province: string, at: string): Promise<void> {
    await this.#redis.set(this.#keys.rating(province).reRatingBackfilled, at);
  }

  /** A window whose rectification is gone or no longer waits (the move's step closes the rest). */
  async drop(province: string, id: string): Promise<void> {
    await this.#redis.zrem(this.#keys.rating(province).reRatingWindows, id);
  }
}
