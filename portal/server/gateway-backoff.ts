// How long a page waits before it reads a case again that could not be read
// (README.md#the-taxpayer-portal). It was a fixed 5 s whatever the gateway said: every open case
// page asked a gateway that was down again every 5 s, and a gateway's Retry-After was ignored. Now
// the wait starts at the gateway's Retry-After (5 s when it gave none: unreachable, no answer in
// time) and doubles with each read that fails in a row, across all the portal's pages, up to a
// minute; the first read that succeeds starts it over. The 5 s is PORTAL_GATEWAY_RETRY_MS's
// default (portal-config.ts): a test whose gate shuts the gateway sets it to a second instead of
// sitting through 5, 10 and 20 s.

/** The wait when the gateway said nothing (it could not be reached, or answered without one). */
export const FIRST_RETRY_MS = 5_000;
/** The longest wait: a page left open shows the case within a minute of the gateway's return. */
export const MAX_RETRY_MS = 60_000;
/** Never sooner than a second: a Retry-After of 0 would have every page ask at once, again. */
export const MIN_RETRY_MS = 1_000;

/** Retry-After in whole seconds (the gateway's form), as ms; undefined when absent or not one. */
function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

export class GatewayBackoff {
  #failures = 0;
  readonly #firstMs: number;

  /** `firstMs`: the wait when the gateway said nothing (PORTAL_GATEWAY_RETRY_MS). */
  constructor(firstMs = FIRST_RETRY_MS) {
    this.#firstMs = firstMs;
  }

  /** A read failed: how long to wait before the next, given the gateway's Retry-After. */
  failed(retryAfter: string | null | undefined): number {
    this.#failures += 1;
    const said = retryAfterMs(retryAfter);
    const first = Math.max(MIN_RETRY_MS, said ?? this.#firstMs);
    const doublings = Math.min(this.#failures - 1, 16);
    // Never sooner than the gateway asked, either, however long that is.
    return Math.max(said ?? 0, Math.min(MAX_RETRY_MS, first * 2 ** doublings));
  }

  succeeded(): void {
    this.#failures = 0;
  }
}
