/**
 * Wire contracts of the batch API (`/v1/batches`). Terminology:
 * - *item*: one text into one target language, addressed by its `index` in submission order;
 * - *chunk*: the distinct texts of a batch that share source, target and format, packed into one
 *   provider request (≤ 128 segments, ≤ BATCH_CHUNK_MAX_CHARS); one BullMQ job each.
 */
import { z } from 'zod';
import { cleanText, languageCode, protectionFields, qaReport } from './schemas.js';

/** `src_lang` absent or "auto" means: let the provider detect it. */
const srcLang = z.union([z.literal('auto'), languageCode]).optional();

/** The client's own id of an item, echoed back in results. */
const itemRef = z.union([z.string().max(256, 'must be at most 256 characters'), z.number()]);

/** One item of the `items` form; validated one by one so a bad item is reported with its index. */
export function batchItemSchema(maxChars: number) {
  return z.strictObject({
    src_text: cleanText(maxChars),
    tgt_lang: languageCode,
    src_lang: srcLang,
    ...protectionFields,
    ref: itemRef.optional(),
  });
}
export type BatchItem = z.infer<ReturnType<typeof batchItemSchema>>;

/** Where the finished batch is POSTed (HMAC-signed); see WEBHOOK_* settings. */
const callbackUrl = z
  .string()
  .max(2048)
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL');

/**
 * POST /v1/batches, before item validation: either `items`, or `src_texts` × `tgt_langs`.
 * Items are `unknown` here on purpose: each is validated on its own (with its index) only after
 * the expanded count passed MAX_BATCH_ITEMS.
 */
export const batchRequestSchema = z.union([
  z.strictObject({
    items: z.array(z.unknown()).min(1, 'must hold at least one item'),
    callback_url: callbackUrl.optional(),
  }),
  z.strictObject({
    src_texts: z.array(z.unknown()).min(1, 'must hold at least one text'),
    tgt_langs: z.array(languageCode).min(1, 'must hold at least one language').max(200),
    src_lang: srcLang,
    ...protectionFields,
    callback_url: callbackUrl.optional(),
  }),
]);
export type BatchRequest = z.infer<typeof batchRequestSchema>;

export const batchStatus = z.enum(['running', 'completed', 'completed_with_errors', 'cancelled']);
export type BatchStatus = z.infer<typeof batchStatus>;

/** GET /v1/batches/{id}; also the webhook body and the SSE `done` data. */
export const batchStatusResponse = z.object({
  batch_id: z.string(),
  status: batchStatus,
  total: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  created_at: z.string(),
  finished_at: z.string().optional(),
});
export type BatchStatusResponse = z.infer<typeof batchStatusResponse>;

/** 202 of POST /v1/batches. */
export const batchAcceptedResponse = z.object({
  batch_id: z.string(),
  status: batchStatus,
  total: z.number().int(),
  links: z.object({ self: z.string(), results: z.string(), events: z.string() }),
});
export type BatchAcceptedResponse = z.infer<typeof batchAcceptedResponse>;

const batchItemStatus = z.enum(['pending', 'completed', 'failed', 'cancelled']);

const batchResultItem = z.object({
  index: z.number().int(),
  ref: itemRef.optional(),
  src_text: z.string(),
  tgt_lang: z.string(),
  status: batchItemStatus,
  tgt_text: z.string().optional(),
  detected_src_lang: z.string().optional(),
  /** Only for items that asked for protection (format icu/markdown, placeholders, glossary). */
  qa: qaReport.optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      /** For `unsafe_output`: one `{kind, message}` per failed check. */
      details: z.array(z.object({ kind: z.string().optional(), message: z.string() })).optional(),
    })
    .optional(),
});
export type BatchResultItem = z.infer<typeof batchResultItem>;

/** GET /v1/batches/{id}/results. */
export const batchResultsResponse = z.object({
  items: z.array(batchResultItem),
  next_offset: z.number().int().nullable(),
});
export type BatchResultsResponse = z.infer<typeof batchResultsResponse>;

/**
 * 200 of POST /v1/batches with `Prefer: wait=N` when the batch finished in time: the status and the
 * first results page (at most MAX_RESULTS_PAGE items; `next_offset` as on GET /results).
 */
export const batchFinishedResponse = batchStatusResponse.extend(batchResultsResponse.shape);

/** Most items in one results page (GET /results `limit`, and a finished batch wait's 200). */
export const MAX_RESULTS_PAGE = 5000;

/** Query of GET /v1/batches/{id}/results. */
export const batchResultsQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_RESULTS_PAGE).default(1000),
});
