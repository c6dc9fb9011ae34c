// Per-adapter circuit breaker (adapters/README.md#circuit-breaker): after `threshold` consecutive
// transient failures the adapter's queue is paused, so a dead province stops burning attempts of
// every waiting case; after the cool-down the queue resumes half-open — the next outcome closes the
// breaker or opens it again with a doubled cool-down (capped).
// Each change of state (rare: never per job) is also written to one Redis hash per adapter
// (`redisBreakerRecord`, key RedisKeys.breaker), so the console can say whether a province is back
// before an operator replays into it (gateway/console/README.md#pages). The breaker lives in each
// worker process; the hash holds the latest change of any worker instance (last writer wins). A
// write that fails is logged and never fails a delivery.
import type { RedisClient } from '../../gateway/shared/redis.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  threshold: number;
  coolDownMs: number;
  maxCoolDownMs: number;
}

/** One change of state, as recorded: when, and for an opening when the probe is due. */
export interface BreakerChange {
  state: BreakerState;
  atMs: number;
  /** Open only: when the cool-down ends and the queue resumes half-open. */
  probeAtMs?: number;
}

export interface BreakerActions {
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  onChange?: (state: BreakerState) => void;
  /** Keeps the change where other processes can read it (redisBreakerRecord); must not throw. */
  record?: (change: BreakerChange) => Promise<void>;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #coolDownMs: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #settings: BreakerSettings;
  readonly #actions: BreakerActions;

  constructor(settings: BreakerSettings, actions: BreakerActions) {
    this.#settings = settings;
    this.#actions = actions;
    this.#coolDownMs = settings.coolDownMs;
  }

  get state(): BreakerState {
    return this.#state;
  }

  async success(): Promise<void> {
    this.#failures = 0;
    this.#coolDownMs = this.#settings.coolDownMs;
    if (this.#state !== 'closed') this.#set('closed');
  }

  async transientFailure(): Promise<void> {
    this.#failures++;
    if (
      this.#state === 'half-open' ||
      (this.#state === 'closed' && this.#failures >= this.#settings.threshold)
    ) {
      await this.#open();
    }
  }

  async #open(): Promise<void> {
    if (this.#state === 'half-open') {
      this.#coolDownMs = Math.min(this.#coolDownMs * 2, this.#settings.maxCoolDownMs);
    }
    this.#set('open', Date.now() + this.#coolDownMs);
    await this.#actions.pause();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#set('half-open');
      void this.#actions.resume();
    }, this.#coolDownMs);
    this.#timer.unref();
  }

  #set(state: BreakerState, probeAtMs?: number): void {
    this.#state = state;
    this.#actions.onChange?.(state);
    const change: BreakerChange = { state, atMs: Date.now() };
    if (probeAtMs !== undefined) change.probeAtMs = probeAtMs;
    void this.#actions.record?.(change);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * Writes each change to the adapter's breaker hash (fields state, since, probeAt; probeAt removed
 * when not open): one MULTI per change of state. A failed write is reported to `failed`, never
 * thrown: the breaker must act whether or not Redis takes the note.
 */
export function redisBreakerRecord(
  redis: RedisClient,
  key: string,
  failed: (error: unknown) => void,
): (change: BreakerChange) => Promise<void> {
  return async ({ state, atMs, probeAtMs }) => {
    try {
      const tx = redis.multi().hset(key, { state, since: String(atMs) });
      if (probeAtMs === undefined) tx.hdel(key, 'probeAt');
      else tx.hset(key, 'probeAt', String(probeAtMs));
      await tx.exec();
    } catch (error) {
      failed(error);
    }
  };
}

/** The latest recorded change of an adapter's breaker; undefined when none was ever recorded. */
export async function readBreakerRecord(
  redis: RedisClient,
  key: string,
): Promise<BreakerChange | undefined> {
  const fields = await redis.hgetall(key);
  const state = fields.state;
  const atMs = Number(fields.since);
  if ((state !== 'closed' && state !== 'open' && state !== 'half-open') || !Number.isFinite(atMs))
    return undefined;
  const probeAtMs = Number(fields.probeAt);
  return Number.isFinite(probeAtMs) && fields.probeAt !== undefined
    ? { state, atMs, probeAtMs }
    : { state, atMs };
}
