// A transition listener's "not now" (gateway/README.md#outbox-rule): what it owes a stored move
// could not be done (the portal's callback, whose add to the callbacks queue Redis answered with
// an error), and the move must not answer as failed for it. Thrown by the listener, caught by the
// store that tells it: the other listeners still hear of the move, the mover's request answers as
// if all had, and the move's outbox entry stays, so the reconciler tells the listeners again
// (each idempotent) once it is GW_RECONCILE_AGE_MS old. Any other error a listener throws still
// fails the move's caller, as before. A failure that telling again cannot mend (a sealed result
// that does not open) is not deferred: the listener logs it as an error and returns, and the entry
// goes.
export class ListenerDeferred extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ListenerDeferred';
  }
}

/**
 * Tells each listener in order; answers whether all heard (none deferred). A listener's other
 * errors propagate at once, the later listeners untold, as a listener's error always did.
 */
export async function tellAll<N>(
  listeners: readonly ((notice: N) => Promise<void>)[],
  notice: N,
): Promise<boolean> {
  let heard = true;
  for (const listener of listeners) {
    try {
      await listener(notice);
    } catch (error) {
      if (!(error instanceof ListenerDeferred)) throw error;
      heard = false;
    }
  }
  return heard;
}

/**
 * What telling an outbox entry's move again came to (CaseStore.retellMove,
 * RectificationStore.retell): `told`, every listener heard and the entry went; `deferred`, one
 * deferred again and the entry stays, told again once the reconciler's claim runs out; `gone`,
 * nothing to tell (the case or rectification is gone, or the entry names no move) and the entry
 * went. Three answers, not a boolean: a retell that deferred again was counted as told, so the
 * reconciler's count said the callback was queued while it still waited.
 */
export type RetellOutcome = 'told' | 'deferred' | 'gone';
