import type { Request, RequestHandler } from 'express';
import { httpRequestDuration } from '../metrics.js';

/**
 * Times every request into `http_request_duration_seconds`. The route label is the Express route
 * pattern (`/v1/jobs/:id`), or `unmatched` when no route took the request, so a scan of random
 * paths cannot blow up the number of series.
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = httpRequestDuration.startTimer();
  res.once('finish', () => end({ method: req.method, route: routeOf(req), status_code: res.statusCode }));
  next();
};

function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route !== 'string') return 'unmatched';
  return `${req.baseUrl}${route}`;
}
