// The documentation rows of the route table, unsigned (gateway/README.md#operations-endpoints):
// GET /openapi.json, GET /docs and the Swagger UI files the page loads. Everything is read and
// serialised once, when docsPages() runs at start (gateway/README.md#compile-once): each request sends the same bytes with a precomputed ETag, so a 700 KB catalogue
// document costs no CPU per request.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routesFor } from '../http/api-route.ts';
import type { HandlerResult } from '../http/respond.ts';
import { GatewayError } from '../shared/errors.ts';
import type { OpenApiDocument } from './build-openapi.ts';
import {
  ASSETS_PATH,
  DOCS_CSP,
  DOCS_HTML,
  DOCS_PATH,
  INITIALIZER_FILE,
  INITIALIZER_JS,
  OPENAPI_PATH,
  SWAGGER_UI_FILES,
  swaggerUiDir,
} from './docs-page.ts';

interface CachedBody {
  bytes: Buffer;
  etag: string;
  contentType: string;
}

/** The bytes the documentation routes send, prepared once. */
export interface DocsPages {
  /** The document these bytes were made from (a publish makes a new one). */
  readonly document: OpenApiDocument;
  readonly openApi: CachedBody;
  readonly page: CachedBody;
  /** Swagger UI's files and our initializer, by file name. */
  readonly assets: ReadonlyMap<string, CachedBody>;
}

function cached(bytes: Buffer | string, contentType: string): CachedBody {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const etag = `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"`;
  return { bytes: buffer, etag, contentType };
}

/** Throws at start when swagger-ui-dist is missing, not at the first page view. */
export function docsPages(document: OpenApiDocument): DocsPages {
  const dir = swaggerUiDir();
  // Only the listed files: no directory listing, no path tricks, no source maps.
  const assets = new Map(
    Object.entries(SWAGGER_UI_FILES).map(([file, type]) => [
      file,
      cached(readFileSync(join(dir, file)), type),
    ]),
  );
  assets.set(INITIALIZER_FILE, cached(INITIALIZER_JS, 'text/javascript; charset=utf-8'));
  return {
    document,
    openApi: cached(JSON.stringify(document), 'application/json; charset=utf-8'),
    page: cached(DOCS_HTML, 'text/html; charset=utf-8'),
    assets,
  };
}

// handle() sends `raw` with res.send, which answers 304 when If-None-Match meets this ETag.
function send(body: CachedBody, headers: Record<string, string> = {}): HandlerResult {
  return {
    status: 200,
    headers: {
      'Content-Type': body.contentType,
      ETag: body.etag,
      'Cache-Control': 'no-cache',
      ...headers,
    },
    raw: body.bytes,
  };
}

const route = routesFor<{ docs: DocsPages }>();

export const DOCS_ROUTES = [
  route({
    method: 'get',
    path: OPENAPI_PATH,
    clients: 'public',
    operation: {
      operationId: 'openApiDocument',
      tags: ['operations'],
      summary: 'This OpenAPI document',
      responses: {
        '200': {
          description: 'OpenAPI 3.1, built once at start from the routes and the catalogue.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
    handler: ({ deps }) => send(deps.docs.openApi),
  }),
  route({
    method: 'get',
    path: DOCS_PATH,
    clients: 'public',
    operation: {
      operationId: 'docsPage',
      tags: ['operations'],
      summary: 'This document rendered by Swagger UI (served locally, no CDN)',
      responses: {
        '200': {
          description: 'HTML page.',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
    handler: ({ deps }) => send(deps.docs.page, { 'Content-Security-Policy': DOCS_CSP }),
  }),
  route({
    method: 'get',
    path: `${ASSETS_PATH}/:file`,
    clients: 'public',
    operation: {
      operationId: 'docsAsset',
      tags: ['operations'],
      summary: 'A file of the /docs page (Swagger UI and its initializer)',
      parameters: ['DocsAsset'],
      responses: { '200': { description: 'The file.' } },
      problems: [404],
    },
    handler: ({ deps, params }) => {
      const file = String(params.file);
      const asset = deps.docs.assets.get(file);
      if (!asset) {
        throw new GatewayError('GW_ROUTE_NOT_FOUND', {
          detail: `No endpoint GET ${ASSETS_PATH}/${file.slice(0, 60)}`,
        });
      }
      // Swagger UI's files change only with the package; our initializer is revalidated.
      return file === INITIALIZER_FILE
        ? send(asset)
        : send(asset, { 'Cache-Control': 'public, max-age=3600' });
    },
  }),
];
