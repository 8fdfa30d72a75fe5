/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the routes validate with
 * (request bodies, ids, query) and the response schemas (api/openapi/response-schemas.ts,
 * shared/batch-schemas.ts). Served at GET /openapi.json; /docs renders it.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Config } from '../../shared/config.js';
import {
  batchAcceptedResponse,
  batchFinishedResponse,
  batchItemSchema,
  batchResultsQuery,
  batchResultsResponse,
  batchStatusResponse,
} from '../../shared/batch-schemas.js';
import {
  cleanText,
  jobId,
  languageCode,
  textFormat,
  translateRequestSchema,
  uuid,
} from '../../shared/schemas.js';
import {
  errorResponse,
  jobAcceptedResponse,
  jobResponse,
  statusResponse,
  translateResponse,
} from './response-schemas.js';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(errorResponse) });

export function buildOpenApiDocument(config: Config): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const requestId = z.object({
    'x-request-id': z
      .string()
      .optional()
      .meta({ description: 'Echoed back (and logged); one is made when absent or malformed.' }),
  });
  const prefer = z
    .string()
    .optional()
    .meta({ description: '`wait=N` (seconds, capped by SYNC_WAIT_MAX_MS) or `respond-async`.' });
  const idParam = z.object({
    id: jobId.meta({ description: "The request's item of a job: `<job UUID>.<index>`." }),
  });
  const batchIdParam = z.object({ id: uuid.meta({ description: 'A UUID.' }) });

  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, when it is set.',
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/translate',
    summary: 'Translate one text',
    description:
      'Enqueues one job and waits for it up to SYNC_WAIT_MS (or what `Prefer: wait=N` asks). ' +
      'When the wait runs out the answer is 202 with the job id; the job keeps running.',
    request: {
      headers: requestId.extend({ prefer }),
      body: {
        required: true,
        content: json(translateRequestSchema(config.MAX_TEXT_CHARS).meta({ id: 'TranslateRequest' })),
      },
    },
    responses: {
      200: { description: 'The translation.', content: json(translateResponse) },
      202: {
        description: 'Still running: poll `Location`.',
        headers: { Location: { schema: { type: 'string' }, description: '/v1/jobs/{id}' } },
        content: json(jobAcceptedResponse),
      },
      400: error('`validation_failed`, `invalid_json` or `unsupported_language`.'),
      405: error('`method_not_allowed`.'),
      413: error('`payload_too_large` (over MAX_BODY_BYTES).'),
      415: error('`unsupported_media_type`.'),
      429: error('`rate_limited`, `overloaded` or `budget_exhausted`.'),
      500: error('`internal_error`.'),
      502: error('`provider_error` or `provider_auth`: the provider failed on every attempt.'),
      503: error('`unavailable`: Redis unreachable or shutting down (with Retry-After).'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/jobs/{id}',
    summary: 'Read a job',
    description: 'State and result of a job; finished jobs are kept RESULT_TTL_S.',
    request: { params: idParam, headers: requestId },
    responses: {
      200: { description: 'The job.', content: json(jobResponse) },
      404: error('`not_found`: unknown or expired job.'),
      503: error('`unavailable`.'),
    },
  });

  const batchRequest = z
    .union([
      z.strictObject({
        items: z.array(batchItemSchema(config.MAX_TEXT_CHARS)).min(1),
        callback_url: z.url().optional(),
      }),
      z.strictObject({
        src_texts: z.array(cleanText(config.MAX_TEXT_CHARS)).min(1),
        tgt_langs: z.array(languageCode).min(1).max(200),
        src_lang: z.union([z.literal('auto'), languageCode]).optional(),
        format: textFormat.optional(),
        callback_url: z.url().optional(),
      }),
    ])
    .meta({
      id: 'BatchRequest',
      description: `Either \`items\`, or \`src_texts\` × \`tgt_langs\`; at most MAX_BATCH_ITEMS items after expansion.`,
    });
  const batchStatus = batchStatusResponse.meta({ id: 'BatchStatus' });

  registry.registerPath({
    method: 'post',
    path: '/v1/batches',
    summary: 'Submit a batch',
    request: {
      headers: requestId.extend({
        prefer,
        'idempotency-key': z.string().optional().meta({
          description:
            'The same key with the same request within 24 h returns the same batch; with a different request, 422.',
        }),
      }),
      body: { required: true, content: json(batchRequest) },
    },
    responses: {
      200: {
        description: 'Finished within `Prefer: wait=N`.',
        content: json(batchFinishedResponse.meta({ id: 'BatchFinished' })),
      },
      202: { description: 'Accepted.', content: json(batchAcceptedResponse.meta({ id: 'BatchAccepted' })) },
      400: error('`validation_failed` (`details[].index` names bad items) or `invalid_json`.'),
      413: error('`batch_too_large` or `payload_too_large`.'),
      415: error('`unsupported_media_type`.'),
      422: error('`idempotency_key_reused`: the Idempotency-Key was used for a different request.'),
      503: error('`unavailable`.'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/batches/{id}',
    summary: 'Read a batch',
    request: { params: batchIdParam },
    responses: {
      200: { description: 'Status and counters.', content: json(batchStatus) },
      404: error('`not_found`.'),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/batches/{id}',
    summary: 'Cancel a batch',
    request: { params: batchIdParam },
    responses: {
      200: { description: 'Cancelled, or already finished.', content: json(batchStatus) },
      202: { description: 'Cancelling: chunks in flight finish first.', content: json(batchStatus) },
      404: error('`not_found`.'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/batches/{id}/results',
    summary: 'Read results of a batch, in submission order',
    request: { params: batchIdParam, query: batchResultsQuery },
    responses: {
      200: { description: 'One page.', content: json(batchResultsResponse.meta({ id: 'BatchResults' })) },
      400: error('`validation_failed` (offset/limit).'),
      404: error('`not_found`.'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/batches/{id}/events',
    summary: 'Progress of a batch as Server-Sent Events',
    description: '`progress` events (`{"total","completed","failed"}`), then `done` (the status body).',
    request: { params: batchIdParam },
    responses: {
      200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
      404: error('`not_found`.'),
    },
  });

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
    security: [{ metricsToken: [] }],
    responses: {
      200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: z.string() } } },
      401: error('`unauthorized`: METRICS_TOKEN is set and was not sent.'),
    },
  });

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
