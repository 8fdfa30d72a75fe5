import type { PlaceholderKind } from './placeholder-kinds.js';

/** A placeholder found in a text: `text.slice(start, end)` is sent and must come back unchanged. */
export interface PlaceholderMatch {
  kind: PlaceholderKind;
  start: number;
  end: number;
}

/**
 * One pattern per kind. They are joined into a single alternation in this order, and a regex tries
 * alternatives left to right at the leftmost position, so the order resolves overlaps: a longer
 * or enclosing form comes before the form it contains (`%{x}` before `%s`, `{{x}}` before `{x}`).
 * Because the scan is leftmost-first, `${x}` is found at `$` before `{x}` could be.
 */
const PATTERNS: ReadonlyArray<readonly [PlaceholderKind, string]> = [
  ['percent_braces', String.raw`%\{[^{}\s]{1,100}\}`],
  // No space flag: "50% of" must not read as `% o`.
  [
    'printf',
    String.raw`%(?:%|(?:\d{1,2}\$)?[-+0#]*(?:\d{1,3}|\*)?(?:\.(?:\d{1,3}|\*))?(?:hh|ll|[hlLqjzt])?[diouxXeEfFgGaAcspn@])`,
  ],
  ['dollar_braces', String.raw`\$\{[^{}\n]{1,100}\}`],
  // Handlebars' triple braces are one span too, rather than `{` + `{{x}}` + `}`.
  ['double_braces', String.raw`\{\{\{[^{}\n]{1,100}\}\}\}|\{\{[^{}\n]{1,100}\}\}`],
  ['braces', String.raw`\{[\p{L}\p{N}_][\p{L}\p{N}_.\-]{0,99}\}`],
  // Not after a word character or a colon: "10:30", "http://" and "::" are not placeholders.
  ['colon', String.raw`(?<![\p{L}\p{N}_:]):[\p{L}_][\p{L}\p{N}_]{0,99}`],
  ['html_tags', String.raw`<!--[\s\S]*?-->|<\/?[A-Za-z][\w:.-]*(?:\s[^<>]*)?\/?>`],
];

/** Characters every pattern starts with: a text without any of them has no placeholder. */
const TRIGGER = /[%{$<:]/;

const compiled = new Map<string, RegExp>();

/** One combined regex per set of kinds, compiled once: there are at most 2^7 sets. */
function scannerFor(kinds: readonly PlaceholderKind[]): RegExp | undefined {
  if (kinds.length === 0) return undefined;
  const key = kinds.join(',');
  let regex = compiled.get(key);
  if (!regex) {
    const parts = PATTERNS.filter(([kind]) => kinds.includes(kind)).map(([, source]) => `(?:${source})`);
    regex = new RegExp(parts.join('|'), 'gu');
    compiled.set(key, regex);
  }
  return regex;
}

/** The kind of a match, read from its first characters (cheaper than a capture group per kind). */
function kindOf(match: string): PlaceholderKind {
  const first = match.charCodeAt(0);
  const second = match.charCodeAt(1);
  if (first === 0x25 /* % */) return second === 0x7b /* { */ ? 'percent_braces' : 'printf';
  if (first === 0x24 /* $ */) return 'dollar_braces';
  if (first === 0x7b /* { */) return second === 0x7b ? 'double_braces' : 'braces';
  if (first === 0x3a /* : */) return 'colon';
  return 'html_tags';
}

/**
 * Finds the placeholders of the given kinds in `text[from, to)`, in order and never overlapping.
 * A single linear scan of one regex; a text with none of the trigger characters costs one
 * `RegExp.test` and allocates nothing, which keeps `"placeholders": "auto"` cheap on plain prose.
 */
export function findPlaceholders(
  text: string,
  kinds: readonly PlaceholderKind[],
  from = 0,
  to = text.length,
): PlaceholderMatch[] {
  const regex = scannerFor(kinds);
  if (!regex) return [];
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  if (!TRIGGER.test(slice)) return [];
  const found: PlaceholderMatch[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(slice); m !== null; m = regex.exec(slice)) {
    found.push({ kind: kindOf(m[0]), start: from + m.index, end: from + m.index + m[0].length });
  }
  return found;
}
