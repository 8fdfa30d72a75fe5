import { Router } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import { bearerToken, secretMatches } from '../../shared/auth-token.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { failedAuthLimit } from '../http/failed-auth-limit.js';
import { apiRegistry } from '../metrics.js';

/**
 * GET /metrics in Prometheus text format; needs `Authorization: Bearer $METRICS_TOKEN` when that is
 * set, and failed attempts are limited per client IP (401, then 429: api/http/failed-auth-limit.ts).
 */
export interface MetricsRouteOptions {
  /** Bearer token /metrics asks for; open when absent (METRICS_TOKEN). */
  token?: string | undefined;
}

export interface MetricsRouteDeps {
  /** Where failed attempts are counted (the producer connection). */
  redis: Redis;
  /** QUEUE_PREFIX. */
  prefix: string;
}

export function metricsRoutes({ token }: MetricsRouteOptions, deps: MetricsRouteDeps): Router {
  const router = Router();
  const limit = failedAuthLimit({ ...deps, guard: 'metrics' });
  const unauthorized = () =>
    new AppError('unauthorized', 'A valid metrics token is required.', {
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
    });
  router
    .route('/metrics')
    .get(async (req, res) => {
      if (token !== undefined) {
        const expected = token;
        await limit.guard(
          req,
          () => secretMatches(bearerToken(req.get('authorization')), expected),
          unauthorized,
        );
      }
      res.type(apiRegistry.contentType).send(await apiRegistry.metrics());
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
