/**
 * Google's html format: tags pass through untouched, text between them comes back with `&`, `<`,
 * `>`, `"` and `'` written as entities (`&amp;` `&lt;` `&gt;` `&quot;` `&#39;`), whatever spelling
 * the input used. Callers that forget `format: 'text'` see `&#39;` in their output, and the
 * emulator must show them that. Content of an element marked `translate="no"` or
 * `class="notranslate"` comes back exactly as sent, as Google documents (Cloud Translation
 * troubleshooting, "How do I tell Cloud Translation to not translate something?": html format only).
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

/**
 * Rewrites the text between tags with `transform` (applied to decoded text) and re-escapes it;
 * text inside a `translate="no"` / `class="notranslate"` element is kept byte for byte.
 */
export function mapHtmlText(html: string, transform: (text: string) => string = (t) => t): string {
  const elements = new OpenElements();
  let out = '';
  let last = 0;
  const text = (raw: string) =>
    elements.untranslated() ? raw : escapeHtmlText(transform(decodeEntities(raw)));
  for (const match of html.matchAll(TAG)) {
    out += text(html.slice(last, match.index));
    out += match[0];
    elements.see(match[0]);
    last = match.index + match[0].length;
  }
  return out + text(html.slice(last));
}

/** Elements that never have content, so never a closing tag to wait for. */
const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
const OPEN_TAG = /^<([a-zA-Z][\w:-]*)([^>]*)>$/;
const CLOSE_TAG = /^<\/([a-zA-Z][\w:-]*)\s*>$/;
const TRANSLATE_NO = /\btranslate\s*=\s*(?:"no"|'no'|no\b)/i;
const NOTRANSLATE_CLASS =
  /\bclass\s*=\s*(?:"[^"]*\bnotranslate\b[^"]*"|'[^']*\bnotranslate\b[^']*'|notranslate\b)/i;

/** The open elements around the current text, and how many of them say "do not translate". */
class OpenElements {
  private readonly stack: Array<{ name: string; untranslated: boolean }> = [];
  private untranslatedDepth = 0;

  untranslated(): boolean {
    return this.untranslatedDepth > 0;
  }

  see(tag: string): void {
    const close = CLOSE_TAG.exec(tag);
    if (close) {
      const name = close[1]!.toLowerCase();
      const at = this.stack.findLastIndex((e) => e.name === name);
      // A stray closing tag closes nothing; one that skips open elements closes them too, as browsers do.
      if (at < 0) return;
      for (const element of this.stack.splice(at)) if (element.untranslated) this.untranslatedDepth--;
      return;
    }
    const open = OPEN_TAG.exec(tag);
    if (!open) return; // a comment, doctype or processing instruction
    const name = open[1]!.toLowerCase();
    const attrs = open[2]!;
    if (VOID.has(name) || attrs.trimEnd().endsWith('/')) return;
    const untranslated = TRANSLATE_NO.test(attrs) || NOTRANSLATE_CLASS.test(attrs);
    this.stack.push({ name, untranslated });
    if (untranslated) this.untranslatedDepth++;
  }
}

/** The text a reader sees: tags removed, entities decoded (used for detection and phrase lookup). */
export function htmlToPlainText(html: string): string {
  return decodeEntities(html.replace(TAG, ''));
}

const ANY_TAG = /<[a-zA-Z/!?][^>]*>/;

export function hasTags(html: string): boolean {
  return ANY_TAG.test(html);
}
