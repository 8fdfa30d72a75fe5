/** The language routes in the OpenAPI document: GET /v1/languages and POST /v1/detect. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Config } from '../../shared/config.js';
import {
  detection,
  detectRequestSchema,
  languageEntry,
  languagesQuerySchema,
  type DetectManyResponse,
  type DetectResponse,
  type LanguagesResponse,
} from '../../shared/language-schemas.js';
import { error, json, requestIdHeader } from './openapi-parts.js';
import { v1Access } from './security-schemes.js';

const detectionSchema = detection
  .extend({
    language: z.string().meta({ description: 'A language code, e.g. "ko"; "und" when undetermined.' }),
    confidence: z.number().meta({ description: "The provider's confidence, 0 to 1." }),
  })
  .meta({ id: 'Detection' });

export const languagesResponse = z
  .object({ languages: z.array(languageEntry.meta({ id: 'Language' })) })
  .meta({ id: 'Languages' });

export const detectManyResponse = z
  .object({ detections: z.array(detectionSchema).meta({ description: 'One per text, in order.' }) })
  .meta({ id: 'Detections' });

const waitNote =
  'The API never calls the provider itself: a worker does, and the request waits for it up to ' +
  'SYNC_WAIT_MS. There is no job id to poll: when the wait runs out the answer is 503.';

export function registerLanguagePaths(registry: OpenAPIRegistry, config: Config): void {
  const { security, unauthorized } = v1Access(config);
  registry.registerPath({
    method: 'get',
    path: '/v1/languages',
    summary: 'List the supported languages',
    description:
      "The provider's languages with their names in `target`, cached for a day (shared by every API key). " +
      waitNote,
    ...(security && { security }),
    request: { query: languagesQuerySchema, headers: requestIdHeader },
    responses: {
      200: { description: 'The languages.', content: json(languagesResponse) },
      400: error('`validation_failed` (malformed target, unknown parameter) or `unsupported_language`.'),
      ...unauthorized,
      405: error('`method_not_allowed`.'),
      429: error('`rate_limited` or `overloaded`.'),
      500: error('`internal_error`.'),
      502: error('`provider_error` or `provider_auth`: the provider failed on every attempt.'),
      503: error('`unavailable`: no answer within SYNC_WAIT_MS, Redis unreachable, or shutting down.'),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/detect',
    summary: 'Detect the language of texts',
    description:
      '`src_text` (one text: the answer is one detection) or `src_texts` (up to 128: the answer lists ' +
      'one detection per text, in order). The characters count against DAILY_CHAR_BUDGET, as the ' +
      'provider bills them. ' +
      waitNote,
    ...(security && { security }),
    request: {
      headers: requestIdHeader,
      body: {
        required: true,
        content: json(detectRequestSchema(config.MAX_TEXT_CHARS).meta({ id: 'DetectRequest' })),
      },
    },
    responses: {
      200: {
        description: 'A detection (`src_text`) or the detections (`src_texts`).',
        content: json(z.union([detectionSchema, detectManyResponse])),
      },
      400: error('`validation_failed`, `invalid_json` or `unsupported_language`.'),
      ...unauthorized,
      405: error('`method_not_allowed`.'),
      413: error('`payload_too_large` (over MAX_BODY_BYTES).'),
      415: error('`unsupported_media_type`.'),
      429: error('`rate_limited`, `overloaded` or `budget_exhausted`.'),
      500: error('`internal_error`.'),
      502: error('`provider_error` or `provider_auth`: the provider failed on every attempt.'),
      503: error('`unavailable`: no answer within SYNC_WAIT_MS, Redis unreachable, or shutting down.'),
    },
  });
}

// Compile-time guards: a field added to a response type without its schema (or back) breaks the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const languagesMatch: Same<z.infer<typeof languagesResponse>, LanguagesResponse> = true;
const detectionMatches: Same<z.infer<typeof detectionSchema>, DetectResponse> = true;
const detectionsMatch: Same<z.infer<typeof detectManyResponse>, DetectManyResponse> = true;
void languagesMatch;
void detectionMatches;
void detectionsMatch;
