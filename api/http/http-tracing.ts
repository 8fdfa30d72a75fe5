import type { RequestHandler } from 'express';
import { otel, TRACER_NAME } from '../../shared/tracing.js';
import { routeOf } from './http-metrics.js';

/**
 * A SERVER span per HTTP request (when TRACING_ENABLED), active while the request is handled, so
 * the job it enqueues carries its trace context. Named `METHOD route-pattern` once routed.
 * Undefined when tracing is off, so the app mounts no layer at all.
 */
export function httpTracing(enabled: boolean): RequestHandler | undefined {
  const api = otel(enabled);
  if (!api) return undefined;
  const tracer = api.trace.getTracer(TRACER_NAME);
  return (req, res, next) => {
    const span = tracer.startSpan(`${req.method}`, {
      kind: api.SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    });
    res.once('finish', () => {
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      const requestId = res.getHeader('X-Request-Id');
      if (typeof requestId === 'string') span.setAttribute('http.request.id', requestId);
      span.end();
    });
    api.context.with(api.trace.setSpan(api.context.active(), span), next);
  };
}
