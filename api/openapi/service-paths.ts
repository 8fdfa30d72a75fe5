/** The operational routes in the OpenAPI document: /healthz, /readyz and /metrics. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { error, json } from './openapi-parts.js';
import { statusResponse } from './response-schemas.js';
import { METRICS_TOKEN } from './security-schemes.js';

export function registerServicePaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    responses: { 200: { description: 'The process is alive.', content: json(statusResponse) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness',
    responses: {
      200: {
        description: 'Redis answers and the process is not shutting down.',
        content: json(statusResponse),
      },
      503: error('`unavailable`.'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    security: [{ [METRICS_TOKEN]: [] }],
    responses: {
      200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: z.string() } } },
      401: error('`unauthorized`: METRICS_TOKEN is set and was not sent.'),
      429: error('`rate_limited`: too many failed attempts from this address; see `Retry-After`.'),
    },
  });
}
