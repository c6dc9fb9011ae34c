// The checks of a signed request that need Redis — its nonce is fresh, its client within its rate
// (gateway/README.md#round-trips) — are sent without waiting for their answers, so they travel in
// the same round trip as the handler's first read. Nothing may be written before they pass:
// mount-routes.ts settles them before every handler except a row that settles them itself
// (`checksInHandler`: POST /v1/cases, whose idempotency look-up goes out beside them).
import type { Response } from 'express';

const PENDING = 'deferredChecks';

/** Adds a check; the checks settle in the order they were added, so the first failure wins. */
export function deferCheck(res: Response, check: Promise<unknown>): void {
  const before = (res.locals[PENDING] as Promise<void> | undefined) ?? Promise.resolve();
  // Handled now, so a check that fails while an earlier one is still out is no unhandled rejection.
  check.catch(() => undefined);
  const all = before.then(async () => {
    await check;
  });
  all.catch(() => undefined);
  res.locals[PENDING] = all;
}

/** Resolves once every deferred check of the request passed; rejects with the first failure. */
export function settleChecks(res: Response): Promise<void> {
  return (res.locals[PENDING] as Promise<void> | undefined) ?? Promise.resolve();
}
