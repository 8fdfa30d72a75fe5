/**
 * Swagger UI for /docs, served from the installed `swagger-ui-dist` package: no CDN, every asset
 * from this origin, so helmet's CSP (`script-src 'self'`) holds. The page's one script of our own,
 * the initializer, is a file too, because that CSP forbids inline scripts. Loaded on the first
 * /docs request (api/routes/docs-routes.ts), not at start.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The package's files the page uses; nothing else in the package is served. */
export const SWAGGER_UI_ASSETS: ReadonlySet<string> = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

/** The folder holding `swagger-ui-dist`'s files (resolved, not imported: its entry loads the bundle). */
export const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const SWAGGER_UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>translation-queue API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

// BaseLayout without the standalone preset: no top bar asking for another document's URL.
// validatorUrl null: the default sends the document to validator.swagger.io.
export const SWAGGER_UI_INITIALIZER = `'use strict';
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;
