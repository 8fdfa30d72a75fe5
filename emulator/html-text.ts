/**
 * Google's html format: tags pass through untouched, text between them comes back with `&`, `<`,
 * `>`, `"` and `'` written as entities (`&amp;` `&lt;` `&gt;` `&quot;` `&#39;`), whatever spelling
 * the input used. Callers that forget `format: 'text'` see `&#39;` in their output, and the
 * emulator must show them that.
 */

// A tag, a comment or a doctype: `<` followed by a letter, `/`, `!` or `?`.
const TAG = /<[a-zA-Z/!?][^>]*>/g;

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X'))
      return safeCodePoint(parseInt(body.slice(2), 16), entity);
    if (body.startsWith('#')) return safeCodePoint(parseInt(body.slice(1), 10), entity);
    return NAMED[body] ?? entity;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Rewrites the text between tags with `transform` (applied to decoded text) and re-escapes it. */
export function mapHtmlText(html: string, transform: (text: string) => string = (t) => t): string {
  let out = '';
  let last = 0;
  for (const match of html.matchAll(TAG)) {
    out += escapeHtmlText(transform(decodeEntities(html.slice(last, match.index))));
    out += match[0];
    last = match.index + match[0].length;
  }
  return out + escapeHtmlText(transform(decodeEntities(html.slice(last))));
}

/** The text a reader sees: tags removed, entities decoded (used for detection and phrase lookup). */
export function htmlToPlainText(html: string): string {
  return decodeEntities(html.replace(TAG, ''));
}

const ANY_TAG = /<[a-zA-Z/!?][^>]*>/;

export function hasTags(html: string): boolean {
  return ANY_TAG.test(html);
}
