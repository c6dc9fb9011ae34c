// Per-adapter circuit breaker (adapters/README.md#circuit-breaker): after `threshold` consecutive
// transient failures the adapter's queue is paused, so a dead province stops burning attempts of
// every waiting case; after the cool-down the queue resumes half-open — the next outcome closes the
// breaker or opens it again with a doubled cool-down (capped).

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  threshold: number;
  coolDownMs: number;
  maxCoolDownMs: number;
}

export interface BreakerActions {
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  onChange?: (state: BreakerState) => void;
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
    this.#set('open');
    await this.#actions.pause();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#set('half-open');
      void this.#actions.resume();
    }, this.#coolDownMs);
    this.#timer.unref();
  }

  #set(state: BreakerState): void {
    this.#state = state;
    this.#actions.onChange?.(state);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
