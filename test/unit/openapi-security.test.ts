/**
 * The OpenAPI document says which routes need a key, as the API enforces it (api/app.ts): with
 * API_KEYS every /v1 operation requires the bearer key (or X-API-Key) and documents the 401;
 * without keys no /v1 operation does. Swagger UI's Authorize dialog and "Try it out" rely on it.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../api/openapi/openapi-document.js';
import { loadConfig } from '../../shared/config.js';

const documentWith = (env: Record<string, string>) => buildOpenApiDocument(loadConfig({ ...env }));

const operations = (doc: ReturnType<typeof documentWith>) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'delete'] as const).flatMap((method) => {
      const operation = item[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );

describe('OpenAPI security', () => {
  it('declares the API key as a bearer scheme and as X-API-Key, keys set or not', () => {
    for (const env of [{}, { API_KEYS: 'a-key' }] as Record<string, string>[]) {
      expect(documentWith(env).components?.securitySchemes).toEqual({
        metricsToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        apiKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      });
    }
  });

  it('with API_KEYS, every /v1 operation needs the key and documents 401; the rest stay open', async () => {
    const doc = documentWith({ API_KEYS: 'a-key,sha256:' + '0'.repeat(64) });
    const all = operations(doc);
    expect(all).toHaveLength(17);
    for (const { path, method, operation } of all) {
      const where = `${method} ${path}`;
      if (path.startsWith('/v1/')) {
        expect([where, operation.security]).toEqual([where, [{ apiKey: [] }, { apiKeyHeader: [] }]]);
        expect([where, operation.responses?.['401']?.description]).toEqual([
          where,
          '`unauthorized`: API_KEYS is set and the request has no valid key.',
        ]);
      } else if (path === '/metrics') {
        expect(operation.security).toEqual([{ metricsToken: [] }]);
      } else {
        expect([where, operation.security]).toEqual([where, undefined]);
      }
    }
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
  });

  it('without API_KEYS, no /v1 operation asks for a key or documents 401', () => {
    for (const { path, operation } of operations(documentWith({}))) {
      if (!path.startsWith('/v1/')) continue;
      expect([path, operation.security, operation.responses?.['401']]).toEqual([path, undefined, undefined]);
    }
  });
});
