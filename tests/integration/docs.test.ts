// GET /openapi.json and GET /docs on a real app (gateway/README.md#operations-endpoints): the
// cached document, a Swagger UI
// page that loads nothing from outside (our networks are closed) and runs no inline script, and
// the swagger-ui-dist assets served from node_modules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../gateway/openapi/build-openapi.ts';
import { routeRouter } from '../../gateway/http/mount-routes.ts';
import { DOCS_ROUTES, docsPages } from '../../gateway/openapi/docs-routes.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { catalogueDocument } from '../unit/openapi/support.ts';

let gw: TestGateway;
let document: OpenApiDocument;
beforeAll(async () => {
  document = catalogueDocument();
  gw = await startTestGateway({
    publicRouters: [routeRouter(DOCS_ROUTES, { docs: docsPages(document) })],
  });
});
afterAll(async () => {
  await gw?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, { headers });

describe('docs routes', () => {
  it('serves the OpenAPI document as JSON, with an ETag that answers 304', async () => {
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(document)));
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // fetch adds Cache-Control: no-cache to conditional requests unless told otherwise; a browser
    // revalidating sends max-age=0.
    const again = await get('/openapi.json', {
      'If-None-Match': etag,
      'Cache-Control': 'max-age=0',
    });
    expect(again.status).toBe(304);
  });

  it('serves a page under a strict CSP: local assets only, no inline script', async () => {
    const res = await get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>|<script[^>]*>[^<\s]/);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source).toMatch(/^\/docs\/assets\//);
      expect((await get(source)).status, source).toBe(200);
    }
  });

  it('serves the Swagger UI bundle from node_modules and our initializer', async () => {
    const bundle = await get('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    const init = await (await get('/docs/assets/swagger-initializer.js')).text();
    expect(init).toContain('url: "/openapi.json"');
    // The default validator badge would send our document to an outside host.
    expect(init).toContain('validatorUrl: null');
  });

  it('serves nothing else from the package: other files are a 404 problem', async () => {
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/index.html',
      '/docs/assets/..%2Fpackage.json',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'GW_ROUTE_NOT_FOUND' });
    }
  });
});
