// GET /v1/routes/resolve (gateway/README.md#read-endpoints): the decision the submit path would
// take, with every rule applied — the same pure resolveRoute, so the two can never disagree.
import { Router } from 'express';
import type { SchemaRegistry } from '../catalogue/schema-registry.ts';
import { MODES, type Mode } from '../catalogue/catalogue-item.ts';
import { chinaDate } from '../calendar/working-days.ts';
import { handle } from '../http/respond.ts';
import { clientOf } from '../auth/authenticate.ts';
import { GatewayError, type FieldProblem } from '../shared/errors.ts';
import { resolveRoute } from './resolve-route.ts';
import type { RoutingContext } from './route-decision.ts';

const PATTERNS: Record<string, RegExp> = {
  itemCode: /^[A-Z]{2}-[0-9]{3}$/,
  receivingRegion: /^[0-9]{6,12}$/,
  handlingRegion: /^[0-9]{6,12}$/,
};

export function routingRoutes(
  registry: SchemaRegistry,
  routing: RoutingContext,
  now = () => new Date(),
): Router {
  const router = Router();
  router.get(
    '/v1/routes/resolve',
    handle((req, res) => {
      const q = req.query as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const get = (name: string, required: boolean): string | undefined => {
        const v = q[name];
        if (v === undefined || v === '') {
          if (required)
            problems.push({ path: `/query/${name}`, message: 'is required', messageZh: '必填' });
          return undefined;
        }
        const pattern = PATTERNS[name];
        if (typeof v !== 'string' || (pattern && !pattern.test(v))) {
          problems.push({ path: `/query/${name}`, message: 'is malformed', messageZh: '格式错误' });
          return undefined;
        }
        return v;
      };
      const itemCode = get('itemCode', true);
      const mode = get('mode', true);
      const receivingRegion = get('receivingRegion', true);
      const handlingRegion = get('handlingRegion', false);
      if (mode && !(MODES as readonly string[]).includes(mode)) {
        problems.push({
          path: '/query/mode',
          message: `must be one of ${MODES.join(', ')}`,
          messageZh: '办理模式无效',
        });
      }
      if (problems.length > 0) throw new GatewayError('GW_INVALID_PARAMETER', { errors: problems });
      const client = clientOf(res);
      const decision = resolveRoute(
        {
          item: registry.item(itemCode!),
          mode: mode as Mode,
          receivingRegion: receivingRegion!,
          handlingRegion,
          portalProvince: client.kind === 'portal' ? client.province : undefined,
          date: chinaDate(now()),
        },
        routing,
      );
      return { status: 200, body: decision };
    }),
  );
  return router;
}
