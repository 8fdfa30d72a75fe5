/**
 * Wire contracts: HTTP bodies, and the parts job contracts share with them (language codes,
 * formats, a translation). The API validates requests with these before anything reaches a queue;
 * each queue's own contract (payload, result) is in shared/jobs/.
 */
import { z } from 'zod';
import { countChars } from './provider-request/count-chars.js';
import { PLACEHOLDER_KINDS } from './text-protection/placeholder-kinds.js';

/** BCP-47-like: `en`, `pt-BR`, `zh-TW`, `zh-Hant-TW`. Letters, digits and hyphens, 2–10 chars. */
export const languageCode = z
  .string()
  .min(2, 'must be 2 to 10 characters')
  .max(10, 'must be 2 to 10 characters')
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language code like "en", "pt-BR" or "zh-TW"');

/** What the provider is sent: plain text or html. */
export const textFormat = z.enum(['text', 'html']);
export type TextFormat = z.infer<typeof textFormat>;

/**
 * What a request's text is: `text` and `html` as the provider knows them; an `icu` message or a
 * `markdown` document, of which only the prose is translated (shared/text-protection/).
 */
export const requestFormat = z.enum(['text', 'html', 'icu', 'markdown']);
export type RequestFormat = z.infer<typeof requestFormat>;

/** A placeholder kind a request can ask to protect (shared/text-protection/placeholder-kinds.ts). */
export const placeholderKind = z.enum(PLACEHOLDER_KINDS);

/**
 * A glossary's name, its one definition for the glossary routes, requests and jobs: letters,
 * digits, `_ . -`, starting with a letter or digit, safe in a URL path and a Redis key (no `:`).
 * Only its form is checked here; whether the caller has such a glossary is the API's lookup.
 */
export const glossaryName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'must be 1 to 64 letters, digits, _ . - (starting with a letter or digit)',
  );

/**
 * The text-protection fields of a translate request and of a batch item (issue 13). All absent:
 * the text is translated as before, unchecked, and its answer has no `qa`.
 */
export const protectionFields = {
  format: requestFormat.optional().meta({
    description:
      'text (default) or html as the provider knows them; icu: an ICU MessageFormat message (only its literal text is translated; arguments, plural/select keys, `#` and tags are kept and checked); markdown: a CommonMark/GFM document (only prose is translated; code, URLs, HTML and front matter are kept byte for byte and checked).',
  }),
  placeholders: z
    .union([z.literal('auto'), z.array(placeholderKind).min(1, 'must name at least one kind')])
    .optional()
    .meta({
      description:
        'Placeholders to protect: "auto" (every kind but colon) or a list of kinds. Protected spans come back exactly, as many times as sent, or the result is unsafe.',
    }),
  glossary: glossaryName.optional().meta({
    description:
      "The name of one of the caller's glossaries: each source term found (whole words, longest first) is protected and replaced by its target. 404 when the caller has none of that name.",
  }),
  on_unsafe: z.enum(['fail', 'return']).optional().meta({
    description:
      'A checked result that fails its checks twice (the second time with the strict method): fail (default) answers 502 unsafe_output; return answers the text with qa.ok false and the issues.',
  }),
};
/** A glossary at one version, as a job names it (shared/provider-request/shape.ts GlossaryRef). */
export const glossaryRef = z.object({
  owner: z.string().min(1),
  name: glossaryName,
  version: z.string().min(1),
});

/**
 * The protection settings a job (sync or chunk) carries, resolved by the API: sorted placeholder
 * kinds, the glossary at the version the request saw, and `on_unsafe` when it is `return`. With
 * the job's `format`, they are the Shape's protection fields.
 */
export const jobProtectionFields = {
  placeholders: z.array(placeholderKind).min(1).optional(),
  glossary: glossaryRef.optional(),
  on_unsafe: z.literal('return').optional(),
};

export type ProtectionFields = {
  [K in keyof typeof protectionFields]?: z.infer<(typeof protectionFields)[K]>;
};

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
    ...protectionFields,
  });
}
export type TranslateRequest = z.infer<ReturnType<typeof translateRequestSchema>>;

/**
 * What the checks of a protected text found (shared/text-protection/verification.ts): `kind` is a
 * stable VerificationIssueKind, `message` names what broke in the caller's own text.
 */
export const qaIssue = z.object({ kind: z.string(), message: z.string() });
export type QaIssue = z.infer<typeof qaIssue>;

/** `qa` of a checked result: `{"ok": true}`, or (with `"on_unsafe": "return"`) what failed. */
export const qaReport = z.object({ ok: z.boolean(), issues: z.array(qaIssue).optional() }).meta({
  id: 'Qa',
  description:
    'Present when the text was protected and checked (format icu/markdown, placeholders or a glossary): ok, or (on_unsafe "return") the checks that failed.',
});
export type QaReport = z.infer<typeof qaReport>;

/** One text's translation, as the cache stores it; `qa` only when the text was checked. */
export const translation = z.object({
  text: z.string(),
  detected_source: z.string().optional(),
  qa: qaReport.optional(),
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
  /** Present only when the request asked for protection (format icu/markdown, placeholders, glossary). */
  qa?: QaReport;
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
