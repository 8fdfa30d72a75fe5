import { Router } from 'express';
import { AppError } from '../../shared/errors.js';
import { bearerToken, secretMatches } from '../../shared/auth-token.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { apiRegistry } from '../metrics.js';

/** GET /metrics in Prometheus text format; needs `Authorization: Bearer $METRICS_TOKEN` when that is set. */
export interface MetricsRouteOptions {
  /** Bearer token /metrics asks for; open when absent (METRICS_TOKEN). */
  token?: string | undefined;
}

export function metricsRoutes({ token }: MetricsRouteOptions): Router {
  const router = Router();
  router
    .route('/metrics')
    .get(async (req, res) => {
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
