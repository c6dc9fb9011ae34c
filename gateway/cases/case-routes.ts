// HTTP edge of the case use cases: parse, call, map (gateway/README.md#thin-handlers).
import { Router } from 'express';
import { clientOf, requireKind } from '../auth/authenticate.ts';
import { locals } from '../http/request-context.ts';
import { handle } from '../http/respond.ts';
import type { CaseStore } from './case-store.ts';
import { readCase } from './read-case.ts';
import { recordEvent, type EventDeps } from './record-event.ts';
import { submitCase, type SubmitDeps } from './submit-case.ts';

export function caseRoutes(deps: SubmitDeps & EventDeps & { store: CaseStore }): Router {
  const router = Router();
  router.post(
    '/v1/cases',
    requireKind('portal'),
    handle((req, res) =>
      submitCase(deps, {
        client: clientOf(res),
        idempotencyKey: req.get('idempotency-key'),
        body: req.body as unknown,
        log: locals(res).log,
      }),
    ),
  );
  router.get(
    '/v1/cases/:caseId',
    handle((req, res) => readCase(deps.store, clientOf(res), String(req.params.caseId))),
  );
  router.post(
    '/v1/cases/:caseId/events',
    requireKind('province'),
    handle((req, res) =>
      recordEvent(deps, clientOf(res), String(req.params.caseId), req.body as unknown),
    ),
  );
  return router;
}
