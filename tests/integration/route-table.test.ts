// One route table mounts express and writes the OpenAPI paths (gateway/api-routes.ts): walking the
// real app's router stack finds exactly the operations the served document lists, no more, no
// fewer. The walker itself is checked to see a route mounted outside the table.
import { Router, type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../gateway/api-routes.ts';
import { openApiPath } from '../../gateway/http/api-route.ts';
import { gatewayApp } from '../../gateway/services.ts';
import { createLifecycle } from '../../gateway/shared/lifecycle.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';

interface StackLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] };
  match?: (path: string) => boolean;
}

/**
 * The operator console's router, mounted at /console: HTML pages for browsers, not API
 * operations, so not in the OpenAPI document (gateway/console/README.md).
 */
const isConsole = (layer: StackLayer) =>
  layer.match !== undefined && layer.match('/console/') && !layer.match('/v1/');

/** "GET /v1/cases/{caseId}" for every route mounted on the app, sub-routers included. */
function mountedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: StackLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.push(`${method.toUpperCase()} ${openApiPath(layer.route.path)}`);
        }
      } else if (layer.handle?.stack && !isConsole(layer)) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack);
  return found.sort();
}

function documentedRoutes(paths: Record<string, unknown>): string[] {
  return Object.entries(paths)
    .flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

describe('the route table', () => {
  it('mounts exactly the operations the OpenAPI document lists, and each once', () => {
    const mounted = mountedRoutes(gatewayApp(gw.services, createLifecycle()));
    const documented = documentedRoutes(gw.services.openapi.paths);
    expect(
      mounted.filter((r) => !documented.includes(r)),
      'mounted, undocumented',
    ).toEqual([]);
    expect(
      documented.filter((r) => !mounted.includes(r)),
      'documented, not mounted',
    ).toEqual([]);
    expect(new Set(mounted).size).toBe(mounted.length);
    expect(mounted).toHaveLength(API_ROUTES.length);
  });

  it('serves neither /metrics nor the docs when they are switched off, and still documents them', async () => {
    const quiet = await startApiGateway({ GW_METRICS_ENABLED: 'false', GW_DOCS_ENABLED: 'false' });
    try {
      const mounted = mountedRoutes(gatewayApp(quiet.services, createLifecycle()));
      expect(mounted).not.toContain('GET /metrics');
      expect(mounted).not.toContain('GET /openapi.json');
      expect(documentedRoutes(quiet.services.openapi.paths)).toContain('GET /metrics');
      expect((await fetch(`${quiet.url}/metrics`)).status).toBe(404);
    } finally {
      await quiet.close();
    }
  });

  it('is checked by a walker that does see a route mounted outside the table', () => {
    const app = gatewayApp(gw.services, createLifecycle());
    const stray = Router();
    stray.get('/v1/stray/:id', (_req, res) => res.end());
    app.use(stray);
    expect(mountedRoutes(app)).toContain('GET /v1/stray/{id}');
  });
});
