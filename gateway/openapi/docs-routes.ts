// GET /openapi.json and GET /docs (gateway/README.md#operations-endpoints). The document is
// serialised once, when the router is built (gateway/README.md#compile-once): each request sends
// the same bytes with a precomputed ETag, so a 700 KB catalogue document costs no CPU per request.
// These handlers send fixed bytes (JSON, HTML, JS, files), not use-case results, so they write the
// response themselves instead of going through handle(), whose results are always JSON.
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
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

export interface DocsDeps {
  /** Built once at start by buildOpenApi. */
  document: OpenApiDocument;
}

interface CachedBody {
  bytes: Buffer;
  etag: string;
  contentType: string;
}

function cached(text: string, contentType: string): CachedBody {
  const bytes = Buffer.from(text, 'utf8');
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
  return { bytes, etag, contentType };
}

// express's res.send answers 304 itself when If-None-Match matches the ETag already set.
function sendCached(res: Response, body: CachedBody, headers: Record<string, string> = {}): void {
  res
    .set({ 'Content-Type': body.contentType, ETag: body.etag, 'Cache-Control': 'no-cache' })
    .set(headers)
    .send(body.bytes);
}

export function docsRoutes(deps: DocsDeps): Router {
  const openApi = cached(JSON.stringify(deps.document), 'application/json; charset=utf-8');
  const page = cached(DOCS_HTML, 'text/html; charset=utf-8');
  const initializer = cached(INITIALIZER_JS, 'text/javascript; charset=utf-8');
  // Resolved now so a missing swagger-ui-dist stops the start, not the first page view.
  const assetsDir = swaggerUiDir();

  const router = Router();
  router.get(OPENAPI_PATH, (_req, res) => sendCached(res, openApi));
  router.get(DOCS_PATH, (_req, res) =>
    sendCached(res, page, { 'Content-Security-Policy': DOCS_CSP }),
  );
  router.get(`${ASSETS_PATH}/${INITIALIZER_FILE}`, (_req, res) => sendCached(res, initializer));
  router.get(`${ASSETS_PATH}/:file`, (req, res, next) => {
    const file = String(req.params.file);
    const contentType = SWAGGER_UI_FILES[file];
    // Only the listed files: no directory listing, no path tricks, no source maps.
    if (!Object.hasOwn(SWAGGER_UI_FILES, file) || !contentType) {
      next();
      return;
    }
    res.type(contentType).sendFile(file, { root: assetsDir, maxAge: '1h' }, (error) => {
      if (error) next(error);
    });
  });
  return router;
}
