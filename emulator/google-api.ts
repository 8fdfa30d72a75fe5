/**
 * The three v2 methods as plain functions of their parameters: each returns Google's response
 * body or throws a GoogleApiError. Transport, latency and faults live in create-emulator.ts.
 */
import { detectLanguage } from './detect-language.js';
import { googleErrors } from './google-errors.js';
import { htmlToPlainText } from './html-text.js';
import { canonicalLanguage, listLanguages, type LanguageEntry } from './languages.js';
import type { Params } from './request-params.js';
import { translateSegment, type TextFormat } from './translate-text.js';

/** A segment exactly equal to this makes the whole request fail with 400 Invalid Value. */
export const REJECT_TEXT = '__emulator_reject__';

const MODELS = new Set(['nmt', 'base']);

export interface ApiLimits {
  /** Segments (`q` values) per request. @default 128 */
  maxSegments: number;
  /** UTF-8 bytes of all segments together. @default 102400 */
  maxPayloadBytes: number;
}

/** The `q` values of a request: read first, so even a request that fails is known to have carried them. */
export function readTexts(params: Params): string[] {
  const q = params['q'];
  if (q === undefined || q === null) throw googleErrors.requiredText();
  const texts = Array.isArray(q) ? q : [q];
  if (texts.length === 0) throw googleErrors.requiredText();
  if (!texts.every((t): t is string => typeof t === 'string')) throw googleErrors.invalidValue();
  return texts;
}

/** Code points: what Google bills, and what its character quotas count. */
export function countCharacters(texts: readonly string[]): number {
  let count = 0;
  for (const text of texts) {
    count += text.length;
    for (let i = 0; i < text.length - 1; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          count -= 1;
          i += 1;
        }
      }
    }
  }
  return count;
}

function checkLimits(texts: readonly string[], limits: ApiLimits): void {
  if (texts.length > limits.maxSegments) throw googleErrors.tooManySegments();
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxPayloadBytes) throw googleErrors.payloadTooLarge(limits.maxPayloadBytes);
  if (texts.includes(REJECT_TEXT)) throw googleErrors.invalidValue();
}

function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw googleErrors.invalidValue();
  return value.trim();
}

export interface TranslateRequest {
  texts: string[];
  target: string;
  source: string | undefined;
  format: TextFormat;
  model: string | undefined;
}

/** Validates a translate call the way Google does; `texts` come from `readTexts`. */
export function parseTranslate(texts: string[], params: Params, limits: ApiLimits): TranslateRequest {
  const target = optionalString(params, 'target');
  if (target === undefined) throw googleErrors.requiredTarget();
  if (canonicalLanguage(target) === undefined) throw googleErrors.invalidValue();
  const source = optionalString(params, 'source');
  if (source !== undefined && canonicalLanguage(source) === undefined) throw googleErrors.invalidValue();
  // The REST default is html, unlike most client libraries: the reason callers see `&#39;`.
  const format = optionalString(params, 'format') ?? 'html';
  if (format !== 'html' && format !== 'text') throw googleErrors.invalidValue();
  const model = optionalString(params, 'model');
  if (model !== undefined && !MODELS.has(model)) throw googleErrors.invalidValue();
  checkLimits(texts, limits);
  return { texts, target, source, format, model };
}

export interface Translation {
  translatedText: string;
  detectedSourceLanguage?: string;
  model?: string;
}

/** `habits`: Google's corruptions of placeholders, code and links (google-habits.ts). */
export function translateBody(
  request: TranslateRequest,
  habits: boolean,
): { data: { translations: Translation[] } } {
  const target = canonicalLanguage(request.target) ?? request.target;
  const source =
    request.source === undefined ? undefined : (canonicalLanguage(request.source) ?? request.source);
  const segment = { target, targetLabel: request.target, source, format: request.format, habits };
  const translations = request.texts.map((text): Translation => {
    const result = translateSegment(text, segment);
    return request.model === undefined ? result : { ...result, model: request.model };
  });
  return { data: { translations } };
}

export interface Detection {
  language: string;
  confidence: number;
  isReliable: boolean;
}

export function detectBody(texts: string[], limits: ApiLimits): { data: { detections: Detection[][] } } {
  checkLimits(texts, limits);
  const detections = texts.map((text) => {
    // Detection ignores markup, as Google's does.
    const { language, confidence } = detectLanguage(text.includes('<') ? htmlToPlainText(text) : text);
    return [{ language, confidence, isReliable: false }];
  });
  return { data: { detections } };
}

export function languagesBody(params: Params): { data: { languages: LanguageEntry[] } } {
  const target = optionalString(params, 'target');
  if (target !== undefined && canonicalLanguage(target) === undefined) throw googleErrors.invalidValue();
  return { data: { languages: listLanguages(target) } };
}
