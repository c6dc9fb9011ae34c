// Read API of the catalogue (gateway/README.md#read-endpoints): the whole list with filters (the
// catalogue is small: no paging) and one item with its schema and examples.
import { Router } from 'express';
import { handle } from '../http/respond.ts';
import { GatewayError } from '../shared/errors.ts';
import { DEPARTMENTS, MODES, type CatalogueItem } from './catalogue-item.ts';
import type { SchemaRegistry } from './schema-registry.ts';

function summary(item: CatalogueItem) {
  return {
    code: item.code,
    name: item.name,
    department: item.department,
    subject: item.subject,
    modes: item.modes,
    level: item.level,
    promisedDays: item.promisedDays,
    scope: item.scope,
    version: item.version,
    enabledProvinces: item.enabledProvinces,
  };
}

function param(value: unknown, name: string, allowed?: readonly string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 100 || (allowed && !allowed.includes(value))) {
    throw new GatewayError('GW_INVALID_PARAMETER', {
      detail: `${name} must be ${allowed ? `one of ${allowed.join(', ')}` : 'a short string'}`,
      errors: [{ path: `/query/${name}`, message: 'invalid value', messageZh: '参数值无效' }],
    });
  }
  return value;
}

export function catalogueRoutes(registry: SchemaRegistry): Router {
  const router = Router();
  router.get(
    '/v1/catalogue/items',
    handle((req) => {
      const department = param(req.query.department, 'department', DEPARTMENTS);
      const mode = param(req.query.mode, 'mode', MODES);
      const q = param(req.query.q, 'q')?.toLowerCase();
      const items = registry
        .items()
        .filter((i) => !department || i.department === department)
        .filter((i) => !mode || (i.modes as readonly string[]).includes(mode))
        .filter((i) => !q || i.name.toLowerCase().includes(q) || i.code.toLowerCase().includes(q))
        .map(summary);
      return { status: 200, body: { items } };
    }),
  );
  router.get(
    '/v1/catalogue/items/:code',
    handle((req) => {
      const code = String(req.params.code);
      const item = registry.item(code);
      if (!item)
        throw new GatewayError('GW_ITEM_NOT_FOUND', { detail: `No item ${code.slice(0, 20)}` });
      const examples = registry.examplesFor(code);
      return {
        status: 200,
        body: {
          ...summary(item),
          schema: registry.schemaFor(code),
          examples: { valid: examples?.valid ?? [], invalid: examples?.invalid ?? [] },
        },
      };
    }),
  );
  return router;
}
