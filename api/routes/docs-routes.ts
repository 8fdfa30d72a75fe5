/**
 * GET /openapi.json and Swagger UI at /docs. Both are rarely used, so their modules (the OpenAPI
 * generator, the page) are imported on the first request, not at start: the API's start-up memory
 * does not pay for them.
 */
import { Router } from 'express';
import type { Config } from '../../shared/config.js';
import { methodNotAllowed } from '../http/error-handler.js';

export function docsRoutes(config: Config): Router {
  const router = Router();
  let document: Promise<string> | undefined;
  router
    .route('/openapi.json')
    .get(async (_req, res) => {
      document ??= import('../openapi/openapi-document.js')
        .then(({ buildOpenApiDocument }) => JSON.stringify(buildOpenApiDocument(config)))
        .catch((err: unknown) => {
          // Not cached: the next request tries again.
          document = undefined;
          throw err;
        });
      res.type('application/json').send(await document);
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/docs')
    .get(async (_req, res) => {
      const { SWAGGER_UI_HTML } = await import('../openapi/swagger-ui.js');
      res.type('html').send(SWAGGER_UI_HTML);
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/docs/swagger-initializer.js')
    .get(async (_req, res) => {
      const { SWAGGER_UI_INITIALIZER } = await import('../openapi/swagger-ui.js');
      res.type('text/javascript').send(SWAGGER_UI_INITIALIZER);
    })
    .all(methodNotAllowed(['GET']));
  // Only the package files the page uses; any other name falls through to the 404.
  router.get('/docs/:asset', async (req, res, next) => {
    const { SWAGGER_UI_ASSETS, SWAGGER_UI_DIR } = await import('../openapi/swagger-ui.js');
    if (SWAGGER_UI_ASSETS.has(req.params.asset)) res.sendFile(req.params.asset, { root: SWAGGER_UI_DIR });
    else next();
  });
  return router;
}
