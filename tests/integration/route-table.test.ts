// One route table mounts express and writes the OpenAPI paths (gateway/api-routes.ts): walking the
// real app's router stack finds exactly the operations the served document lists, no more, no
// fewer. The walker itself is checked to see a route mounted outside the table.
import { Router, type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../gateway/api-routes.ts';
import { gatewayApp } from '../../gateway/services.ts';
import { createLifecycle } from '../../gateway/shared/lifecycle.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { documentedRoutes, mountedRoutes, routeName } from '../support/mounted-routes.ts';

/**
 * The operator console's routes, under /console: HTML pages for browsers, not API operations, so
 * not in the OpenAPI document (gateway/console/README.md).
 */
const isConsole = (path: string) => path === '/console' || path.startsWith('/console/');

/** "GET /v1/cases/{caseId}" for every API route mounted on the app, sub-routers included. */
function mountedApiRoutes(app: Express): string[] {
  return mountedRoutes(app)
    .filter((r) => !isConsole(r.path))
    .map(routeName)
    .sort();
}

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

describe('the route table', () => {
  it('mounts exactly the operations the OpenAPI document lists, and each once', () => {
    const mounted = mountedApiRoutes(gatewayApp(gw.services, createLifecycle()));
    const documented = documentedRoutes(gw.services.openapi.paths).map(routeName).sort();
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
      const mounted = mountedApiRoutes(gatewayApp(quiet.services, createLifecycle()));
      expect(mounted).not.toContain('GET /metrics');
      expect(mounted).not.toContain('GET /openapi.json');
      expect(documentedRoutes(quiet.services.openapi.paths).map(routeName)).toContain(
        'GET /metrics',
      );
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
    expect(mountedApiRoutes(app)).toContain('GET /v1/stray/{id}');
  });
});
