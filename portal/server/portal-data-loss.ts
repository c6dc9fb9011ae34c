// The portal's Redis coming back without its data (README.md#the-taxpayer-portal): restarted
// without its AOF, emptied or replaced, it answers PING as before, so /readyz stayed 200 with
// nothing said while every account's case list (which cases are whose) and every session was gone
// — the gateway still holds the cases, but no taxpayer finds theirs on the portal again. The
// gateway's watch (gateway/shared/redis-data-loss.ts) under the portal's prefix: a mark adopted at
// start, looked at every PORTAL_DATA_LOSS_CHECK_MS; a loss is told on the portal's warning line
// and /readyz carries the `redis-data-lost` warning for a day (still 200).
import {
  redisDataLossWatch,
  type RedisDataLossWatch,
} from '../../gateway/shared/redis-data-loss.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { PortalKeys } from './portal-keys.ts';

const LOST =
  "the portal's record of which cases belong to which account, and every session, are gone; " +
  'the gateway still holds the cases (README.md#the-taxpayer-portal)';

export interface PortalDataLossWatch {
  readonly watch: RedisDataLossWatch;
  /** Ends the looks, after the one under way. */
  stop(): Promise<void>;
}

export async function startPortalDataLossWatch(deps: {
  redis: RedisClient;
  keys: PortalKeys;
  intervalMs: number;
  warn: (message: string) => void;
}): Promise<PortalDataLossWatch> {
  const watch = redisDataLossWatch({
    redis: deps.redis,
    keys: deps.keys,
    logger: { error: ({ detectedAt }, message) => deps.warn(`${message} — found ${detectedAt}`) },
    lost: LOST,
    now: () => new Date(),
  });
  // Redis gone again already: the first look adopts the mark, as in the gateway.
  await watch.start().catch(() => undefined);
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // A look while Redis is down fails: /readyz says so already (503), and the next look retries.
    running = watch
      .check()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    watch,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
