/**
 * How the OpenAPI document says which routes need a secret: `API_KEYS` on /v1 (as Bearer or
 * X-API-Key, see api/http/api-keys.ts) and `METRICS_TOKEN` on /metrics. Swagger UI's Authorize
 * dialog is built from these schemes.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../shared/config.js';
import { error } from './openapi-parts.js';

const API_KEY = 'apiKey';
const API_KEY_HEADER = 'apiKeyHeader';
export const METRICS_TOKEN = 'metricsToken';

export function registerSecuritySchemes(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', METRICS_TOKEN, {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, when it is set.',
  });
  registry.registerComponent('securitySchemes', API_KEY, {
    type: 'http',
    scheme: 'bearer',
    description: 'One of API_KEYS, when they are set: `Authorization: Bearer <key>`.',
  });
  registry.registerComponent('securitySchemes', API_KEY_HEADER, {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'One of API_KEYS, when they are set, in `X-API-Key` instead of Authorization.',
  });
}

/**
 * The security requirement and the 401 of a /v1 operation: present only when API_KEYS is set,
 * because without keys the routes are open and a lock in the document would not be true.
 */
export function v1Access(config: Config): {
  security?: Record<string, string[]>[];
  unauthorized?: { 401: ReturnType<typeof error> };
} {
  if (config.TENANTS.length === 0) return {};
  return {
    security: [{ [API_KEY]: [] }, { [API_KEY_HEADER]: [] }],
    unauthorized: { 401: error('`unauthorized`: API_KEYS is set and the request has no valid key.') },
  };
}
