/** The batch API in the OpenAPI document: /v1/batches and its status, results, events and cancel. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
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
import { cleanText, languageCode, protectionFields, uuid } from '../../shared/schemas.js';
import { error, json, preferHeader, requestIdHeader } from './openapi-parts.js';
import { v1Access } from './security-schemes.js';

const batchIdParam = z.object({ id: uuid.meta({ description: 'A UUID.' }) });

export function registerBatchPaths(registry: OpenAPIRegistry, config: Config): void {
  const access = v1Access(config);
  registerSubmit(registry, config, access);
  registerBatchReads(registry, access);
}

/** The body of POST /v1/batches, as the route validates it (item limits from config). */
function batchRequest(config: Config) {
  return z
    .union([
      z.strictObject({
        items: z.array(batchItemSchema(config.MAX_TEXT_CHARS)).min(1),
        callback_url: z.url().optional(),
      }),
      z.strictObject({
        src_texts: z.array(cleanText(config.MAX_TEXT_CHARS)).min(1),
        tgt_langs: z.array(languageCode).min(1).max(200),
        src_lang: z.union([z.literal('auto'), languageCode]).optional(),
        ...protectionFields,
        callback_url: z.url().optional(),
      }),
    ])
    .meta({
      id: 'BatchRequest',
      description: `Either \`items\`, or \`src_texts\` × \`tgt_langs\`; at most MAX_BATCH_ITEMS items after expansion. The protection fields (\`format\`, \`placeholders\`, \`glossary\`, \`on_unsafe\`) go on each item, or at the top level of the \`src_texts\` form for every text; an item that fails its checks fails with \`unsafe_output\` (or completes with \`qa\`, as on POST /v1/translate).`,
    });
}

function registerSubmit(
  registry: OpenAPIRegistry,
  config: Config,
  { security, unauthorized }: ReturnType<typeof v1Access>,
): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/batches',
    summary: 'Submit a batch',
    ...(security && { security }),
    request: {
      headers: requestIdHeader.extend({
        prefer: preferHeader,
        'idempotency-key': z.string().optional().meta({
          description:
            'The same key with the same request within 24 h returns the same batch; with a different request, 422.',
        }),
      }),
      body: { required: true, content: json(batchRequest(config)) },
    },
    responses: {
      200: {
        description:
          'Finished within `Prefer: wait=N`: the status and the first results page (at most 5,000 items; `next_offset` continues at GET /results). A wait counts toward MAX_OPEN_WAITS; past it the answer is 202 at once.',
        content: json(batchFinishedResponse.meta({ id: 'BatchFinished' })),
      },
      202: { description: 'Accepted.', content: json(batchAcceptedResponse.meta({ id: 'BatchAccepted' })) },
      400: error(
        '`validation_failed` (`details[].index` names bad items, an ICU message that does not parse among them) or `invalid_json`.',
      ),
      ...unauthorized,
      404: error("`not_found`: an item names a `glossary` that is not one of the caller's."),
      413: error('`batch_too_large` or `payload_too_large`.'),
      415: error('`unsupported_media_type`.'),
      422: error('`idempotency_key_reused`: the Idempotency-Key was used for a different request.'),
      429: error(
        '`overloaded` (more than MAX_BATCH_BACKLOG chunk jobs or MAX_QUEUE_DEPTH sync jobs wait; `Retry-After`), `rate_limited` or `budget_exhausted`.',
      ),
      503: error('`unavailable`.'),
    },
  });
}

function registerBatchReads(
  registry: OpenAPIRegistry,
  { security, unauthorized }: ReturnType<typeof v1Access>,
): void {
  const batchStatus = batchStatusResponse.meta({ id: 'BatchStatus' });
  const secured = security && { security };
  registry.registerPath({
    method: 'get',
    path: '/v1/batches/{id}',
    summary: 'Read a batch',
    ...secured,
    request: { params: batchIdParam },
    responses: {
      200: { description: 'Status and counters.', content: json(batchStatus) },
      ...unauthorized,
      404: error("`not_found`: unknown or expired batch, or another API key's."),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/batches/{id}',
    summary: 'Cancel a batch',
    ...secured,
    request: { params: batchIdParam },
    responses: {
      200: { description: 'Cancelled, or already finished.', content: json(batchStatus) },
      202: { description: 'Cancelling: chunks in flight finish first.', content: json(batchStatus) },
      ...unauthorized,
      404: error("`not_found`: unknown or expired batch, or another API key's."),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/batches/{id}/results',
    summary: 'Read results of a batch, in submission order',
    ...secured,
    request: { params: batchIdParam, query: batchResultsQuery },
    responses: {
      200: { description: 'One page.', content: json(batchResultsResponse.meta({ id: 'BatchResults' })) },
      400: error('`validation_failed` (offset/limit).'),
      ...unauthorized,
      404: error("`not_found`: unknown or expired batch, or another API key's."),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/batches/{id}/events',
    summary: 'Progress of a batch as Server-Sent Events',
    description: '`progress` events (`{"total","completed","failed"}`), then `done` (the status body).',
    ...secured,
    request: { params: batchIdParam },
    responses: {
      200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
      ...unauthorized,
      404: error("`not_found`: unknown or expired batch, or another API key's."),
      429: error(
        '`rate_limited`: this client holds MAX_EVENT_STREAMS_PER_KEY streams on this server; `overloaded`: the server holds MAX_EVENT_STREAMS streams (`Retry-After` on both).',
      ),
    },
  });
}
