import { Router } from 'express';
import type { Config } from '../../shared/config.js';
import { AppError } from '../../shared/errors.js';
import { bearerToken, secretMatches } from '../../shared/auth-token.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { apiRegistry } from '../metrics.js';

/** GET /metrics in Prometheus text format; needs `Authorization: Bearer $METRICS_TOKEN` when that is set. */
export function metricsRoutes(config: Config): Router {
  const router = Router();
  router
    .route('/metrics')
    .get(async (req, res) => {
      const token = config.METRICS_TOKEN;
      if (token !== undefined && !secretMatches(bearerToken(req.get('authorization')), token)) {
        throw new AppError('unauthorized', 'A valid metrics token is required.', {
          headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
        });
      }
      res.type(apiRegistry.contentType).send(await apiRegistry.metrics());
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
