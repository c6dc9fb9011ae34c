// GW_REDIS_WAIT_REPLICAS (README.md#replicas): a write the gateway acknowledges to a client (a
// submission's 202, a province's event, a rating, an operator's action) is answered only once it
// is on that many replicas, so a fail-over to one of them (Sentinel, Cluster) cannot lose what a
// client was told is done. Redis's WAIT counts the replicas that acknowledged the replication
// offset of its connection's own last write, an offset that covers every write the master made
// before it. So the barrier writes a mark in the slot of a key the write touched (on a Cluster,
// the node that holds it) and WAITs after it; a use case calls it once its own writes were
// answered, or once it found its earlier answer (a retry). Both go on a connection of their own:
// WAIT holds its connection until it returns, and no other request may queue behind it. Callers
// share marks and WAITs: those that call while one is out share the next.
import { Cluster } from 'ioredis';
import { GatewayError } from './errors.ts';
import type { Logger } from './logger.ts';
import { rateLimitedLog } from './rate-limited-log.ts';
import { commandTimeoutOf, duplicateConnection, type RedisClient } from './redis.ts';
import type { RedisKeys } from './redis-keys.ts';

/**
 * Resolves once every write the masters holding these keys' slots made before the call is on
 * the replicas; otherwise rejects with 503 GW_UNAVAILABLE (the writes stay on the master). A key
 * is one the write touched, or a slot's name (redis-keys.ts SLOT). The services' and every use
 * case's `replicated`: absent when GW_REDIS_WAIT_REPLICAS is 0, so nothing waits.
 */
export type Replicated = (writtenKey: string, ...moreKeys: string[]) => Promise<void>;

export interface ReplicaBarrierSettings {
  /** GW_REDIS_WAIT_REPLICAS: at least 1. */
  replicas: number;
  /** GW_REDIS_WAIT_TIMEOUT_MS. */
  timeoutMs: number;
  retryAfterSeconds: number;
  /** Told of each answer a WAIT that fell short turns into a 503 (the metric). */
  onBehind?: () => void;
}

export interface ReplicaBarrier {
  reached: Replicated;
  close(): Promise<void>;
}

/** Long enough to outlive any wait; the mark itself means nothing. */
const MARK_TTL_MS = 60_000;

export const REPLICAS_BEHIND_DETAIL =
  'The change was stored, but not yet copied to enough replicas of the case store to survive ' +
  'its failure. Repeat the request after Retry-After seconds: a submission, rating or catalogue ' +
  'draft with the same Idempotency-Key gives what was stored, never a second one; an event ' +
  'already applied is answered as a duplicate; an operator action already done is refused as ' +
  'such (409).';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

class ReplicasBehind extends GatewayError {}

export function createReplicaBarrier(
  redis: RedisClient,
  keys: RedisKeys,
  settings: ReplicaBarrierSettings,
  logger: Logger,
): ReplicaBarrier {
  const connection = waitingConnection(redis, settings.timeoutMs);
  // One Redis holds every slot: one mark serves them all. A Cluster waits per hash tag, so the
  // mark lands on the node of the write.
  const perSlot = connection instanceof Cluster;
  const behindLog = rateLimitedLog(logger);
  /**
   * Per mark (a hash tag on a Cluster, one on one Redis): the waiters of the WAIT not yet sent,
   * and whether one is out. WAIT holds its connection, so a second one sent while the first is
   * out would only queue behind it, each then its own round trip to the replicas: instead,
   * whoever calls meanwhile waits for the next one, sent when the first returns (group commit).
   */
  const marks = new Map<string, { pending: Waiter[]; out: boolean }>();

  async function acknowledged(mark: string): Promise<number> {
    const replies = await connection
      .pipeline()
      .set(mark, String(Date.now()), 'PX', MARK_TTL_MS)
      .wait(settings.replicas, settings.timeoutMs)
      .exec();
    for (const [error] of replies ?? []) if (error) throw error;
    return Number(replies?.[1]?.[1] ?? 0);
  }

  function settle(waiters: readonly Waiter[], acked: number): void {
    if (acked >= settings.replicas) {
      for (const w of waiters) w.resolve();
      return;
    }
    const error = new ReplicasBehind('GW_UNAVAILABLE', {
      detail: REPLICAS_BEHIND_DETAIL,
      headers: { 'Retry-After': String(settings.retryAfterSeconds) },
    });
    for (const w of waiters) w.reject(error);
    behindLog.warn(
      'replicas-behind',
      { acked, required: settings.replicas, writes: waiters.length },
      'replicas behind: writes answered 503',
    );
  }

  /** Sends the mark's next WAIT for everyone waiting, unless one is out. */
  function send(mark: string): void {
    const state = marks.get(mark);
    if (!state || state.out || state.pending.length === 0) return;
    const waiters = state.pending;
    state.pending = [];
    state.out = true;
    acknowledged(mark)
      .then(
        (acked) => settle(waiters, acked),
        (error: unknown) => {
          for (const w of waiters) w.reject(error);
        },
      )
      // Every waiter has its answer by now; a log line that threw must not become an unhandled
      // rejection.
      .catch(() => undefined)
      .finally(() => {
        state.out = false;
        send(mark);
      });
  }

  function join(mark: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let state = marks.get(mark);
      if (!state) marks.set(mark, (state = { pending: [], out: false }));
      state.pending.push({ resolve, reject });
      // The writes answered in this turn join it: sent once the turn's calls are in.
      if (state.pending.length === 1 && !state.out) setImmediate(() => send(mark));
    });
  }

  return {
    async reached(...written) {
      const distinct = perSlot ? new Set(written.map((k) => keys.replicaMark(k))) : undefined;
      try {
        if (!distinct) await join(keys.replicaMark());
        else if (distinct.size === 1) await join([...distinct][0]!);
        else await Promise.all([...distinct].map(join));
      } catch (error) {
        // Counted per answer, however many slots it waited for.
        if (error instanceof ReplicasBehind) settings.onBehind?.();
        throw error;
      }
    },
    close: () =>
      connection.quit().then(
        () => undefined,
        () => connection.disconnect(),
      ),
  };
}

/**
 * The gateway's connection duplicated, its command timeout lengthened by the wait: a WAIT that
 * times out answers with the count it has, before ioredis would give up on it.
 */
function waitingConnection(redis: RedisClient, waitMs: number): RedisClient {
  const timeout = commandTimeoutOf(redis);
  return duplicateConnection(redis, {
    commandTimeoutMs: timeout === undefined ? undefined : timeout + waitMs,
  });
}
