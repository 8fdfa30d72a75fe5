/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the routes validate with
 * (request bodies, ids, query) and the response schemas (api/openapi/response-schemas.ts,
 * shared/batch-schemas.ts). Served at GET /openapi.json; Swagger UI at /docs renders it. Loaded on
 * the first request for either (api/routes/docs-routes.ts), not at start.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../shared/config.js';
import { registerBatchPaths } from './batch-paths.js';
import { registerGlossaryPaths } from './glossary-paths.js';
import { registerLanguagePaths } from './language-paths.js';
import { registerSecuritySchemes } from './security-schemes.js';
import { registerServicePaths } from './service-paths.js';
import { registerTranslatePaths } from './translate-paths.js';
import { registerUsagePaths } from './usage-paths.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export function buildOpenApiDocument(config: Config): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registerSecuritySchemes(registry);
  registerTranslatePaths(registry, config);
  registerBatchPaths(registry, config);
  registerGlossaryPaths(registry, config);
  registerLanguagePaths(registry, config);
  registerUsagePaths(registry, config);
  registerServicePaths(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'translation-queue',
      version: '1',
      description:
        'Queue-backed Google Cloud Translation service. Every error is `{"error": {"code", "message", "details"?}}`.',
    },
  });
}
