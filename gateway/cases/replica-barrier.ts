// GW_REDIS_WAIT_REPLICAS (README.md#replicas): a submission is answered 202 only once its write is
// on that many replicas, so a fail-over to one of them (Sentinel, Cluster) cannot lose a case its
// portal was told is accepted. Redis's WAIT counts the replicas that acknowledged the replication
// offset of its connection's own last write, an offset that covers every write the master made
// before it. So the barrier writes a mark in the submission's shard (on a Cluster, the node that
// holds its case and idempotency record) and WAITs after it; a submission calls it once its own
// write was answered, or once it found its earlier case. Both go on a connection of their own:
// WAIT holds its connection until it returns, and no other request may queue behind it.
// Submissions share marks and WAITs: those that call while one is out share the next.
import { Cluster } from 'ioredis';
import { GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import { commandTimeoutOf, duplicateConnection, type RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';

export interface ReplicaBarrierSettings {
  /** GW_REDIS_WAIT_REPLICAS: at least 1. */
  replicas: number;
  /** GW_REDIS_WAIT_TIMEOUT_MS. */
  timeoutMs: number;
  retryAfterSeconds: number;
  /** Told how many submissions one WAIT that fell short answers 503 (the metric). */
  onBehind?: (submissions: number) => void;
}

export interface ReplicaBarrier {
  /**
   * Resolves once every write the master of this submission shard made before the call is on
   * the replicas; otherwise rejects with GW_UNAVAILABLE (the write stays on the master).
   */
  reached(shard: number): Promise<void>;
  close(): Promise<void>;
}

/** Long enough to outlive any wait; the mark itself means nothing. */
const MARK_TTL_MS = 60_000;

export const REPLICAS_BEHIND_DETAIL =
  'The case was stored, but not yet copied to enough replicas of the case store to survive its ' +
  'failure. Retry with the same Idempotency-Key: you get this case once it is copied, never a ' +
  'second one.';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createReplicaBarrier(
  redis: RedisClient,
  keys: RedisKeys,
  settings: ReplicaBarrierSettings,
  logger: Logger,
): ReplicaBarrier {
  const connection = waitingConnection(redis, settings.timeoutMs);
  // One Redis holds every shard: one mark serves them all. A Cluster waits per node (per shard).
  const perShard = connection instanceof Cluster;
  const behindLog = rateLimitedLog(logger);
  /**
   * Per node (shard on a Cluster, 0 on one Redis): the waiters of the WAIT not yet sent, and
   * whether one is out. WAIT holds its connection, so a second one sent while the first is out
   * would only queue behind it, each then its own round trip to the replicas: instead, whoever
   * calls meanwhile waits for the next one, sent when the first returns (group commit).
   */
  const nodes = new Map<number, { pending: Waiter[]; out: boolean }>();

  async function acknowledged(shard: number): Promise<number> {
    const replies = await connection
      .pipeline()
      .set(keys.shard(shard).replicaMark, String(Date.now()), 'PX', MARK_TTL_MS)
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
    const error = new GatewayError('GW_UNAVAILABLE', {
      detail: REPLICAS_BEHIND_DETAIL,
      headers: { 'Retry-After': String(settings.retryAfterSeconds) },
    });
    for (const w of waiters) w.reject(error);
    settings.onBehind?.(waiters.length);
    behindLog.warn(
      'replicas-behind',
      { acked, required: settings.replicas, submissions: waiters.length },
      'replicas behind: submissions answered 503',
    );
  }

  /** Sends the node's next WAIT for everyone waiting, unless one is out. */
  function send(node: number): void {
    const state = nodes.get(node);
    if (!state || state.out || state.pending.length === 0) return;
    const waiters = state.pending;
    state.pending = [];
    state.out = true;
    acknowledged(node)
      .then(
        (acked) => settle(waiters, acked),
        (error: unknown) => {
          for (const w of waiters) w.reject(error);
        },
      )
      // Every waiter has its answer by now; a metric or log line that threw must not become an
      // unhandled rejection.
      .catch(() => undefined)
      .finally(() => {
        state.out = false;
        send(node);
      });
  }

  return {
    reached(shard) {
      const node = perShard ? shard : 0;
      return new Promise<void>((resolve, reject) => {
        let state = nodes.get(node);
        if (!state) nodes.set(node, (state = { pending: [], out: false }));
        state.pending.push({ resolve, reject });
        // The submissions answered in this turn join it: sent once the turn's calls are in.
        if (state.pending.length === 1 && !state.out) setImmediate(() => send(node));
      });
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
