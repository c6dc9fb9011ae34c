// GET /v1/divisions/{code} (gateway/README.md#read-endpoints).
import { Router } from 'express';
import { handle } from '../http/respond.ts';
import { GatewayError } from '../shared/errors.ts';
import type { DivisionTable } from './division-table.ts';

export function divisionRoutes(divisions: DivisionTable): Router {
  const router = Router();
  router.get(
    '/v1/divisions/:code',
    handle((req) => {
      const code = String(req.params.code);
      const division = /^[0-9]{6}$/.test(code) ? divisions.get(code) : undefined;
      if (!division) {
        const retired = /^[0-9]{6}$/.test(code) ? divisions.retired(code) : undefined;
        throw new GatewayError('GW_DIVISION_NOT_FOUND', {
          detail: retired
            ? `${code} (${retired.name}) was retired; use ${retired.successor.code} ${retired.successor.name}`
            : `No current division ${code.slice(0, 20)}`,
        });
      }
      return { status: 200, body: division };
    }),
  );
  return router;
}
