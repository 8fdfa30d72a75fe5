/**
 * Deterministic "translation" so tests can assert exact output: a known phrase becomes its real
 * translation, anything else becomes `[target] text` (e.g. `[en] 안녕`). Text already in the
 * target language comes back unchanged, as Google returns it.
 */
import { detectLanguage } from './detect-language.js';
import { escapeHtmlText, hasTags, htmlToPlainText, mapHtmlText } from './html-text.js';
import { translatePhrase } from './phrases.js';

export type TextFormat = 'text' | 'html';

export interface SegmentRequest {
  /** Canonical target code (see `canonicalLanguage`). */
  target: string;
  /** The target exactly as the caller spelled it: used in the `[target]` marker. */
  targetLabel: string;
  /** Canonical source code; `undefined` means "detect it". */
  source: string | undefined;
  format: TextFormat;
}

export interface SegmentResult {
  translatedText: string;
  /** Present only when the request gave no source, like Google. */
  detectedSourceLanguage?: string;
}

export function translateSegment(text: string, request: SegmentRequest): SegmentResult {
  const { target, targetLabel, source, format } = request;
  const plain = format === 'html' ? htmlToPlainText(text) : text;
  const from = source ?? detectLanguage(plain).language;
  const translatedText = translate(text, plain, from, target, targetLabel, format);
  return source === undefined ? { translatedText, detectedSourceLanguage: from } : { translatedText };
}

function translate(
  text: string,
  plain: string,
  from: string,
  target: string,
  targetLabel: string,
  format: TextFormat,
): string {
  if (from === target) return text;
  if (format === 'text') return translatePhrase(text, from, target) ?? `[${targetLabel}] ${text}`;
  const phrase = hasTags(text) ? undefined : translatePhrase(plain, from, target);
  if (phrase !== undefined) return escapeHtmlText(phrase);
  return `[${targetLabel}] ${mapHtmlText(text)}`;
}
