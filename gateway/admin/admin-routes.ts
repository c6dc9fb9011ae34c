// Operator endpoints (operator clients only): dead letters and their replay.
import { Router } from 'express';
import { clientOf, requireKind } from '../auth/authenticate.ts';
import { handle } from '../http/respond.ts';
import { GatewayError } from '../shared/errors.ts';
import { listDeadLetters, replayDeadLetter, type DeadLetterDeps } from './dead-letters.ts';

export function adminRoutes(deps: DeadLetterDeps): Router {
  const router = Router();
  router.use('/v1/admin', requireKind('operator'));
  router.get(
    '/v1/admin/dead-letters',
    handle(async () => ({ status: 200, body: { items: await listDeadLetters(deps.store) } })),
  );
  router.post(
    '/v1/admin/dead-letters/:caseId/replay',
    handle(async (req, res) => {
      const operator = clientOf(res);
      if (!operator.rights.includes('replay')) {
        throw new GatewayError('GW_FORBIDDEN', { detail: 'Replaying needs the replay right' });
      }
      return {
        status: 200,
        body: await replayDeadLetter(deps, String(req.params.caseId), operator.id),
      };
    }),
  );
  return router;
}
