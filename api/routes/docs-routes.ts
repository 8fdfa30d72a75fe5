import { Router } from 'express';
import type { Config } from '../../shared/config.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { DOCS_HTML, DOCS_JS } from '../openapi/docs-page.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';

/** GET /openapi.json (built once per app) and the /docs page that renders it. */
export function docsRoutes(config: Config): Router {
  const router = Router();
  let document: string | undefined;
  router
    .route('/openapi.json')
    .get((_req, res) => {
      document ??= JSON.stringify(buildOpenApiDocument(config));
      res.type('application/json').send(document);
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/docs')
    .get((_req, res) => {
      res.type('html').send(DOCS_HTML);
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/docs/docs.js')
    .get((_req, res) => {
      res.type('text/javascript').send(DOCS_JS);
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
