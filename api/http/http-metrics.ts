import type { Request, Response } from 'express';
import { httpRequestDuration } from '../metrics.js';

/**
 * Records one finished request into `http_request_duration_seconds`. The one module outside the
 * metrics modules that records a metric directly, on purpose: it is HTTP middleware (it times
 * requests, whatever route served them), not domain code, so there is no domain event to emit. The route label is the Express
 * route pattern (`/v1/jobs/:id`), or `unmatched` when no route took the request, so a scan of random
 * paths cannot blow up the number of series.
 */
export function recordHttpRequest(req: Request, res: Response, seconds: number): void {
  httpRequestDuration.observe(
    { method: req.method, route: routeOf(req), status_code: res.statusCode },
    seconds,
  );
}

export function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched';
}
