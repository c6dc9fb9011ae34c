// Where the gateway posts callbacks (README.md#callbacks): `<PORTAL_PUBLIC_URL>/callbacks/gateway`.
// A callback is believed only once verified (callback-verifier.ts, its nonce claimed in the
// portal's Redis so that no portal beside this one, nor this one restarted, takes it again); then
// the portal notes the new status and pushes the case, as the gateway has it, to the pages watching
// it. A case the portal does not know (another portal's sharing this client, or its record lost) is
// acknowledged too, so the gateway stops retrying. When the portal's Redis fails — checking the
// nonce or reading the case — the callback is answered 503, and the gateway tries again later.
import express, { Router } from 'express';
import type { CaseFeed } from './case-feed.ts';
import type { CallbackVerifier } from './callback-verifier.ts';
import type { PortalCases } from './portal-cases.ts';

export const CALLBACK_PATH = '/callbacks/gateway';

export interface CallbackDeps {
  readonly verifier: CallbackVerifier;
  readonly cases: PortalCases;
  readonly feed: CaseFeed;
  readonly warn: (message: string) => void;
}

export function callbackRoutes(deps: CallbackDeps): Router {
  const router = Router();
  router.post(CALLBACK_PATH, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const problem = await deps.verifier.problem({
      method: req.method,
      url: req.originalUrl,
      header: (name) => req.get(name),
      rawBody,
    });
    if (problem) {
      deps.warn(`callback refused: ${problem}`);
      res.status(401).json({ code: 'PORTAL_CALLBACK_REFUSED', title: problem });
      return;
    }
    let body: { caseId?: unknown; status?: unknown; type?: unknown } | null;
    try {
      body = JSON.parse(rawBody.toString('utf8')) as typeof body;
    } catch {
      body = null;
    }
    // Signed, but not a JSON object (`null` would throw below): nothing to note.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ code: 'PORTAL_CALLBACK_MALFORMED', title: 'not a JSON object' });
      return;
    }
    const caseId = typeof body.caseId === 'string' ? body.caseId : '';
    const known = await deps.cases.get(caseId);
    if (known) {
      const view = await deps.feed.moved(caseId);
      // Unread, a status callback's own status stands in; a rectification's or a 督办 callback
      // (`type` set) carries none of the case's (a rectification's VISITED showed as the case's).
      const announced =
        body.type === undefined && typeof body.status === 'string' ? body.status : undefined;
      const status = view?.status ?? announced;
      // The payment's outcome too, so the home page tells a failed deduction from a payment: both
      // end 已办结 (CLOSED), and a ¥500 row marked 已办结 read as paid.
      const outcome = view ? outcomeOf(view.result) : known.outcome;
      if (status && (status !== known.status || outcome !== known.outcome))
        await deps.cases.noteStatus(caseId, status, outcome);
    }
    res.status(204).end();
  });
  return router;
}

/** A decided result's outcome (SW-005's `paid` or `failed`); '' when none or another shape. */
function outcomeOf(result: Record<string, unknown> | null): string {
  const outcome = result?.outcome;
  return typeof outcome === 'string' && /^[a-z-]{1,32}$/.test(outcome) ? outcome : '';
}
