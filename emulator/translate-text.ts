/**
 * Deterministic "translation" so tests can assert exact output: a known phrase becomes its real
 * translation, anything else becomes `[target] text` (e.g. `[en] 안녕`), with Google's habits
 * applied to placeholders, code and links in it (google-habits.ts) unless they are turned off.
 * Text already in the target language comes back unchanged, as Google returns it.
 */
import { detectLanguage } from './detect-language.js';
import { corruptProse } from './google-habits.js';
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
  /** Google's habits on placeholders, code and links (google-habits.ts). */
  habits: boolean;
}

export interface SegmentResult {
  translatedText: string;
  /** Present only when the request gave no source, like Google. */
  detectedSourceLanguage?: string;
}

export function translateSegment(text: string, request: SegmentRequest): SegmentResult {
  const { source, format } = request;
  const plain = format === 'html' ? htmlToPlainText(text) : text;
  const from = source ?? detectLanguage(plain).language;
  const translatedText = translate(text, plain, from, request);
  return source === undefined ? { translatedText, detectedSourceLanguage: from } : { translatedText };
}

function translate(text: string, plain: string, from: string, request: SegmentRequest): string {
  const { target, targetLabel, format, habits } = request;
  if (from === target) return text;
  const marker = `[${targetLabel}]`;
  const prose = habits ? (t: string) => corruptProse(t, target, marker) : (t: string) => t;
  if (format === 'text') return translatePhrase(text, from, target) ?? `${marker} ${prose(text)}`;
  const phrase = hasTags(text) ? undefined : translatePhrase(plain, from, target);
  if (phrase !== undefined) return escapeHtmlText(phrase);
  return `${marker} ${mapHtmlText(text, prose)}`;
}
