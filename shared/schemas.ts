/**
 * Wire contracts: HTTP bodies, and the parts job contracts share with them (language codes,
 * formats, a translation). The API validates requests with these before anything reaches a queue;
 * each queue's own contract (payload, result) is in shared/jobs/.
 */
import { z } from 'zod';
import { countChars } from './provider-request/count-chars.js';

/** BCP-47-like: `en`, `pt-BR`, `zh-TW`, `zh-Hant-TW`. Letters, digits and hyphens, 2–10 chars. */
export const languageCode = z
  .string()
  .min(2, 'must be 2 to 10 characters')
  .max(10, 'must be 2 to 10 characters')
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language code like "en", "pt-BR" or "zh-TW"');

export const textFormat = z.enum(['text', 'html']);
export type TextFormat = z.infer<typeof textFormat>;

/** A string without NUL bytes or unpaired surrogates (neither survives a trip to Google). */
export const cleanText = (maxChars: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => countChars(s) <= maxChars, `must be at most ${maxChars} characters`)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => s.isWellFormed(), 'must not contain unpaired surrogates');

/** `src_lang` absent or "auto" means: let the provider detect it. */
const srcLang = z.union([z.literal('auto'), languageCode]).optional();

export function translateRequestSchema(maxChars: number) {
  return z.strictObject({
    src_text: cleanText(maxChars),
    tgt_lang: languageCode,
    src_lang: srcLang,
    format: textFormat.optional(),
  });
}
export type TranslateRequest = z.infer<ReturnType<typeof translateRequestSchema>>;

/** One text's translation, as the cache stores it. */
export const translation = z.object({
  text: z.string(),
  detected_source: z.string().optional(),
});
export type Translation = z.infer<typeof translation>;

/** 200 body of POST /v1/translate, and `result` of GET /v1/jobs/{id}. */
export interface TranslateResponse {
  /** null when the answer came from the cache (no job was made). */
  job_id: string | null;
  src_lang: string;
  src_text: string;
  tgt_lang: string;
  tgt_text: string;
  detected_src_lang?: string;
  /** Present (true) only when the translation was served from the cache. */
  cached?: true;
}

export const jobStatus = z.enum(['queued', 'active', 'completed', 'failed']);
export type JobStatus = z.infer<typeof jobStatus>;

export interface JobResponse {
  job_id: string;
  status: JobStatus;
  result?: TranslateResponse;
  error?: { code: string; message: string };
  attempts: number;
  created_at: string;
  finished_at?: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Ids we make are lower-case UUIDs (batch ids; BullMQ ids of translate jobs). */
export const uuid = z.string().regex(new RegExp(`^${UUID}$`), 'not an id');

/**
 * The job ids we hand out: one request's item of a job, sealed for its tenant (62 base64url
 * characters; api/sync/item-ids.ts), so no id tells anything about another. Anything else,
 * including the old `<job UUID>.<index>` form, is refused before Redis is asked.
 */
export const jobId = z.string().regex(/^[A-Za-z0-9_-]{62}$/, 'not a job id');

/** An internal item id (in-flight marks): the job's id and the item's index in it. Never public. */
export function itemId(queueJobId: string, index: number): string {
  return `${queueJobId}.${index}`;
}

/** Splits an internal item id (`<job UUID>.<index>`) into the job's id and the item's index. */
export function parseItemId(id: string): { queueJobId: string; index: number } {
  const dot = id.lastIndexOf('.');
  return { queueJobId: id.slice(0, dot), index: Number(id.slice(dot + 1)) };
}
