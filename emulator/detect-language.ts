/**
 * Deterministic language detection by writing system, so tests can predict it. Real Google
 * detection is statistical; this only has to be plausible and stable.
 */
import { findPhrase } from './phrases.js';

export interface Detection {
  /** Canonical language code. */
  language: string;
  /** 0..1; 1 when the script (or a known phrase) leaves no doubt. */
  confidence: number;
}

/** Scripts that name one language, checked in this order (kana first: Japanese also uses Han). */
const SCRIPTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\p{Script=Hangul}/u, 'ko'],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'ja'],
  [/\p{Script=Han}/u, 'zh-CN'],
  [/\p{Script=Cyrillic}/u, 'ru'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Hebrew}/u, 'iw'],
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Greek}/u, 'el'],
  [/\p{Script=Devanagari}/u, 'hi'],
];

const LETTER = /\p{L}/u;

export function detectLanguage(text: string): Detection {
  const phrase = findPhrase(text);
  if (phrase !== undefined) return { language: phrase.language, confidence: 1 };
  for (const [script, language] of SCRIPTS) {
    if (script.test(text)) return { language, confidence: 1 };
  }
  // Latin or other letters: most likely English here. No letters at all (digits, emoji,
  // punctuation): Google would be unsure too.
  return { language: 'en', confidence: LETTER.test(text) ? 0.7 : 0.2 };
}
