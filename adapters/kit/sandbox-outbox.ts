// The events a sandbox owes the gateway (adapters/README.md#progression), posted as a provincial
// platform's outbox would: per case in order (a `decided` must not overtake its `accepted`), each
// retried with exponential backoff — for minutes by default, so a gateway that is down for a while
// still gets them once it is back — and settled in the journal once answered. A sandbox stopped
// mid-retry leaves the event unsettled, and its next start posts it again (the gateway applies an
// event once, by its content digest, so a repeat is harmless).
//
// Posts in flight are bounded across all cases (`concurrency`), and a 503 or 429 with Retry-After
// is retried after the time the gateway asked for, as a real provincial platform must: a province
// back from an outage with a backlog of thousands of events once posted them all at once, and the
// gateway, holding over a thousand connections, stopped answering anyone (README.md#load-shedding).
import pLimit, { type LimitFunction } from 'p-limit';
import { parseRetryAfter } from './http-backend.ts';
import type { GatewayClient } from '../../gateway/client/gateway-client.ts';
import type { ProvinceEventBody, SandboxJournal } from './sandbox-journal.ts';

export interface OutboxRetry {
  /** First retry pause (default 500 ms), doubling up to maxMs (default 60 s). */
  baseMs: number;
  maxMs: number;
  /** How long one event is retried before the province gives up on it (default 15 min). */
  forMs: number;
}

export const DEFAULT_RETRY: OutboxRetry = { baseMs: 500, maxMs: 60_000, forMs: 15 * 60_000 };

/** Event posts a sandbox has in flight at once, over all its cases. */
export const DEFAULT_POST_CONCURRENCY = 4;

export interface PostedEvent {
  caseId: string;
  type: string;
  /**
   * Final HTTP status; 'error' when the gateway could not be reached within the retry time;
   * 'silenced' when the `silent` fault knob held it back.
   */
  status: number | 'error' | 'silenced';
  attempts: number;
  at: string;
}

/** 5xx and 429: the gateway is in trouble or busy, the event is still owed. */
const RETRYABLE = (status: number) => status >= 500 || status === 429;

export class EventOutbox {
  readonly #client: GatewayClient;
  readonly #journal: SandboxJournal;
  readonly #retry: OutboxRetry;
  readonly #silent: () => boolean;
  readonly #limit: LimitFunction;
  readonly #pending = new Map<string, ProvinceEventBody[]>();
  readonly #draining = new Map<string, Promise<void>>();
  readonly #posted: PostedEvent[] = [];
  #abort = new AbortController();

  constructor(deps: {
    client: GatewayClient;
    journal: SandboxJournal;
    retry: OutboxRetry;
    /** The `silent` fault knob: a province that stops talking. */
    silent: () => boolean;
    /** Posts in flight at once, over all cases (default DEFAULT_POST_CONCURRENCY). */
    concurrency?: number;
  }) {
    this.#client = deps.client;
    this.#journal = deps.journal;
    this.#retry = deps.retry;
    this.#silent = deps.silent;
    this.#limit = pLimit(deps.concurrency ?? DEFAULT_POST_CONCURRENCY);
  }

  /** Owes the gateway this event, after any still owed for the same case. */
  owe(caseId: string, event: ProvinceEventBody): void {
    const queue = this.#pending.get(caseId) ?? [];
    queue.push(event);
    this.#pending.set(caseId, queue);
    // #drain yields before it can finish, so the map holds it before it removes itself.
    if (!this.#draining.has(caseId)) this.#draining.set(caseId, this.#drain(caseId));
  }

  /** Every settled post so far, in the order they settled. */
  posted(): PostedEvent[] {
    return [...this.#posted];
  }

  async idle(): Promise<void> {
    while (this.#draining.size > 0) await Promise.all([...this.#draining.values()]);
  }

  /** Stops retrying; what is still owed stays unsettled in the journal for the next start. */
  async stop(): Promise<void> {
    this.#abort.abort();
    // The abort ends the posts in flight; the bound keeps anything else from hanging the stop.
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.#pending.clear();
    this.#abort = new AbortController();
  }

  async #drain(caseId: string): Promise<void> {
    const queue = this.#pending.get(caseId) ?? [];
    const signal = this.#abort.signal;
    while (queue.length > 0) {
      const event = queue[0]!;
      const settled = await this.#post(caseId, event, signal);
      if (!settled) break;
      queue.shift();
      this.#journal.append({ k: 'posted', caseId, type: event.type, status: settled.status });
      this.#posted.push(settled);
    }
    // Synchronously with the last check of the queue: an event owed from here on starts a new
    // drain instead of joining a queue nobody reads.
    this.#pending.delete(caseId);
    this.#draining.delete(caseId);
  }

  /** The settled post, or undefined when the sandbox stopped first. */
  async #post(
    caseId: string,
    event: ProvinceEventBody,
    signal: AbortSignal,
  ): Promise<PostedEvent | undefined> {
    const started = Date.now();
    const settle = (status: PostedEvent['status'], attempts: number) => ({
      caseId,
      type: event.type,
      status,
      attempts,
      at: new Date().toISOString(),
    });
    for (let attempt = 1; ; attempt++) {
      if (this.#silent()) return settle('silenced', attempt - 1);
      let status: number | 'error' = 'error';
      let askedMs: number | undefined;
      try {
        const path = `/v1/cases/${encodeURIComponent(caseId)}/events`;
        // Only the post holds a place among the concurrent ones, never the pause after it.
        const res = await this.#limit(() =>
          this.#client.request('POST', path, { json: event, signal }),
        );
        status = res.status;
        askedMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch {
        status = 'error';
      }
      if (signal.aborted) return undefined;
      // 409 is final too: the gateway has moved past this event (its own status query, say).
      if (status !== 'error' && !RETRYABLE(status)) return settle(status, attempt);
      if (Date.now() - started >= this.#retry.forMs) return settle(status, attempt);
      // The gateway's Retry-After, when it gave one, replaces the backoff (up to maxMs: a
      // mistaken hour must not park the event for the rest of its retry time).
      const backoff = Math.min(
        this.#retry.maxMs,
        askedMs ?? this.#retry.baseMs * 2 ** (attempt - 1),
      );
      if (!(await pause(backoff, signal))) return undefined;
    }
  }
}

/** Resolves true after ms, or false at once when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
