/** The sync API in the OpenAPI document: POST /v1/translate and GET /v1/jobs/{id}. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../shared/config.js';
import { jobId, translateRequestSchema } from '../../shared/schemas.js';
import { error, json, preferHeader, requestIdHeader } from './openapi-parts.js';
import { jobAcceptedResponse, jobResponse, translateResponse } from './response-schemas.js';
import { PROTECTION_EXAMPLES, withExamples } from './protection-examples.js';
import { v1Access } from './security-schemes.js';
import { z } from 'zod';

export function registerTranslatePaths(registry: OpenAPIRegistry, config: Config): void {
  const { security, unauthorized } = v1Access(config);
  registry.registerPath({
    method: 'post',
    path: '/v1/translate',
    summary: 'Translate one text',
    description:
      'Enqueues one job and waits for it up to SYNC_WAIT_MS (or what `Prefer: wait=N` asks). ' +
      'When the wait runs out the answer is 202 with the job id; the job keeps running. ' +
      'With `format` icu or markdown, `placeholders` or a `glossary`, the text is protected and its ' +
      'translation checked before it is returned (`qa`); see the examples.',
    ...(security && { security }),
    request: {
      headers: requestIdHeader.extend({ prefer: preferHeader }),
      body: {
        required: true,
        content: withExamples(
          json(translateRequestSchema(config.MAX_TEXT_CHARS).meta({ id: 'TranslateRequest' })),
          PROTECTION_EXAMPLES.request,
        ),
      },
    },
    responses: {
      200: {
        description: 'The translation.',
        content: withExamples(json(translateResponse), PROTECTION_EXAMPLES.response),
      },
      202: {
        description: 'Still running: poll `Location`.',
        headers: { Location: { schema: { type: 'string' }, description: '/v1/jobs/{id}' } },
        content: json(jobAcceptedResponse),
      },
      400: error(
        '`validation_failed` (also an ICU message that does not parse: `details` has the parser message), `invalid_json` or `unsupported_language`.',
      ),
      ...unauthorized,
      404: error("`not_found`: the `glossary` named is not one of the caller's."),
      405: error('`method_not_allowed`.'),
      409: error(
        '`glossary_changed`: the `glossary` was edited after the request was accepted and the worker no longer has the accepted version; send the request again (it gets the new version).',
      ),
      413: error('`payload_too_large` (over MAX_BODY_BYTES).'),
      415: error('`unsupported_media_type`.'),
      429: error('`rate_limited`, `overloaded` or `budget_exhausted`.'),
      500: error('`internal_error`.'),
      502: error(
        '`provider_error` or `provider_auth`: the provider failed on every attempt; `unsafe_output`: the translation failed its checks, also when retried (`details`: one `{kind, message}` per failed check).',
      ),
      503: error('`unavailable`: Redis unreachable or shutting down (with Retry-After).'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/jobs/{id}',
    summary: 'Read a job',
    description:
      'State and result of a job; finished jobs are kept RESULT_TTL_S. Only the API key that made the request can read it: any other key gets 404.',
    ...(security && { security }),
    request: {
      params: z.object({
        id: jobId.meta({
          description:
            'The `job_id` a translate request was answered with: opaque, 62 characters, different for every request, readable only by the key that made it.',
        }),
      }),
      headers: requestIdHeader,
    },
    responses: {
      200: { description: 'The job.', content: json(jobResponse) },
      ...unauthorized,
      404: error("`not_found`: unknown or expired job, or another API key's."),
      503: error('`unavailable`.'),
    },
  });
}
