/**
 * Wire contracts of the language routes: `GET /v1/languages` (the provider's languages, names in a
 * target language) and `POST /v1/detect` (the language of one text, or of up to 128). The texts
 * follow the translate rules (cleanText, MAX_TEXT_CHARS); the job contract that carries them to a
 * worker is shared/jobs/provider-info-job.ts.
 */
import { z } from 'zod';
import { MAX_SEGMENTS_PER_REQUEST } from './provider-request/limits.js';
import { cleanText, languageCode } from './schemas.js';

/** Names are in English when `target` is absent, as the Google client does (`getLanguages()`). */
export const DEFAULT_LANGUAGES_TARGET = 'en';

/** The query of GET /v1/languages. */
export const languagesQuerySchema = z.strictObject({
  target: languageCode.optional().meta({
    description: `Language of the names (default "${DEFAULT_LANGUAGES_TARGET}").`,
  }),
});

/** Most texts of one POST /v1/detect: the segments of one provider request. */
export const MAX_DETECT_TEXTS = MAX_SEGMENTS_PER_REQUEST;

/** POST /v1/detect: `src_text` (one text) or `src_texts` (1 to 128), never both, never neither. */
export function detectRequestSchema(maxChars: number) {
  return z
    .strictObject({
      src_text: cleanText(maxChars).optional(),
      src_texts: z
        .array(cleanText(maxChars))
        .min(1, 'must hold at least one text')
        .max(MAX_DETECT_TEXTS, `must hold at most ${MAX_DETECT_TEXTS} texts`)
        .optional(),
    })
    .superRefine((body, ctx) => {
      if ((body.src_text === undefined) === (body.src_texts === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give exactly one of src_text and src_texts', path: [] });
      }
    });
}
export type DetectRequest = z.infer<ReturnType<typeof detectRequestSchema>>;

/** One text's detected language; `confidence` is the provider's, 0..1. */
export const detection = z.object({ language: z.string(), confidence: z.number() });
export type Detection = z.infer<typeof detection>;

/** One language the provider supports, with its name in the requested language. */
export const languageEntry = z.object({ code: z.string(), name: z.string() });
export type LanguageEntry = z.infer<typeof languageEntry>;

/** 200 body of GET /v1/languages. */
export interface LanguagesResponse {
  languages: LanguageEntry[];
}

/** 200 body of POST /v1/detect with `src_text`. */
export type DetectResponse = Detection;

/** 200 body of POST /v1/detect with `src_texts`: one detection per text, in order. */
export interface DetectManyResponse {
  detections: Detection[];
}
