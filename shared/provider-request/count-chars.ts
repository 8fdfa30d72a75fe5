/**
 * The one way this service counts characters: Unicode code points. Every limit and count that is
 * about characters uses it: MAX_TEXT_CHARS validation, the characters per provider request (packs,
 * chunks, the batcher), the fleet quota limiter, the daily budget, the provider metrics.
 *
 * Why code points and not UTF-16 units (`.length`): Google bills and counts its character quota
 * per character, not per byte or code unit (its pricing: a multibyte character is one character),
 * and an emoji or a rare CJK ideograph is one character to Google and to the user but two UTF-16
 * units. Counting code points keeps the budget, the quota limiter and the bill in step, and
 * MAX_TEXT_CHARS, part of the HTTP contract, has always been code points. Combining marks are code
 * points of their own (`e` + U+0301 is 2); grapheme clusters would need Intl.Segmenter and cost far
 * more on the hot path.
 *
 * A code point is at most 4 bytes of UTF-8, so a request of up to 25,600 code points stays within
 * Google's 100 KB payload limit whatever the script.
 */

/** Code points of `text`. A lone surrogate counts as one, as the string iterator counts it. */
export function countChars(text: string): number {
  // charCodeAt, not the string iterator: no string per character on the hot path.
  let count = text.length;
  const last = text.length - 1;
  for (let i = 0; i < last; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}

/** Code points of several texts together (a provider request's, a detect call's). */
export function countTextsChars(texts: readonly string[]): number {
  let count = 0;
  for (const text of texts) count += countChars(text);
  return count;
}
