// The /docs page: Swagger UI from the swagger-ui-dist package, served by us. Our networks are
// closed, so nothing may come from a CDN, and the page carries no inline script: the config lives
// in a small JS file we serve, so the page works under a CSP that forbids inline scripts.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export const DOCS_PATH = '/docs';
export const ASSETS_PATH = '/docs/assets';
export const OPENAPI_PATH = '/openapi.json';
export const INITIALIZER_FILE = 'swagger-initializer.js';

/** The swagger-ui-dist files the page needs; nothing else in the package is served. */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Directory of the installed swagger-ui-dist; throws at start when the package is missing. */
export function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

// Swagger UI needs inline styles (React style attributes) and data: images (its icons); scripts
// come only from us. Everything else is same-origin.
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const DOCS_HTML = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <title>跨省通办 gateway API</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${ASSETS_PATH}/${INITIALIZER_FILE}"></script>
  </body>
</html>
`;

// validatorUrl: null — by default Swagger UI sends the document to validator.swagger.io for a
// badge, which is unreachable here (and would leak our API description).
export const INITIALIZER_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
`;
