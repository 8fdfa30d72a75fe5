/**
 * Finds glossary source terms in a text. A glossary is compiled once per version into an index
 * from each term's first word to its terms, longest first, so matching costs one map lookup per
 * word of the text whatever the number of entries (10,000 are allowed). A regex alternation of
 * 10,000 terms compiles slowly in V8, and a character trie costs one Map per character at build.
 */

export interface GlossaryEntry {
  source: string;
  target: string;
}

export interface GlossaryOptions {
  /**
   * Whether "Bucket" matches the entry "bucket".
   * @default false
   */
  caseSensitive?: boolean;
}

export interface GlossaryMatch {
  start: number;
  end: number;
  /** The entry's target: what the text must say there after translation. */
  target: string;
}

interface Term {
  folded: string;
  target: string;
}

export interface CompiledGlossary {
  readonly caseSensitive: boolean;
  /** First word (or first character, see `keyAt`) of each folded term → its terms, longest first. */
  readonly byFirstWord: ReadonlyMap<string, readonly Term[]>;
}

/**
 * Compiles entries into a matcher. An empty or whitespace-only source is ignored; when two entries
 * have the same source (after case folding), the later one wins, as a later line of a file would.
 */
export function compileGlossary(
  entries: readonly GlossaryEntry[],
  options: GlossaryOptions = {},
): CompiledGlossary {
  const caseSensitive = options.caseSensitive ?? false;
  const terms = new Map<string, string>();
  for (const { source, target } of entries) {
    const term = source.trim();
    if (term !== '') terms.set(fold(term, caseSensitive), target);
  }
  const byFirstWord = new Map<string, Term[]>();
  for (const [folded, target] of terms) {
    const key = folded.slice(0, keyEnd(folded, 0, folded.length));
    const list = byFirstWord.get(key);
    if (list) list.push({ folded, target });
    else byFirstWord.set(key, [{ folded, target }]);
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.folded.length - a.folded.length);
  return { caseSensitive, byFirstWord };
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
/** Scripts written without spaces between words: a term there needs no word boundary. */
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;

/**
 * Case folding one UTF-16 unit at a time keeps offsets in the folded text equal to offsets in the
 * original (a whole-string `toLowerCase` can change the length, e.g. for "İ", and folds Greek
 * sigma by context).
 */
function fold(text: string, caseSensitive: boolean): string {
  if (caseSensitive) return text;
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(text)) return text.toLowerCase();
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const lower = ch.toLowerCase();
    out += lower.length === 1 ? lower : ch;
  }
  return out;
}

/** The character at a UTF-16 index, whole when it is a surrogate pair. */
function charAround(text: string, index: number, before: boolean): string {
  if (index < 0 || index >= text.length) return '';
  const code = text.charCodeAt(index);
  if (before && code >= 0xdc00 && code <= 0xdfff && index > 0) return text.slice(index - 1, index + 1);
  if (!before && code >= 0xd800 && code <= 0xdbff) return text.slice(index, index + 2);
  return text[index]!;
}

function isSpacedWordChar(ch: string): boolean {
  return ch !== '' && WORD.test(ch) && !UNSPACED.test(ch);
}

/**
 * Where the lookup key starting at `i` ends: the run of word characters of a spaced script (a
 * whole word), or else one character (punctuation, or a character of an unspaced script, where
 * words cannot be told apart without a dictionary).
 */
function keyEnd(text: string, i: number, to: number): number {
  const first = charAround(text, i, false);
  if (!isSpacedWordChar(first)) return i + first.length;
  let j = i + first.length;
  while (j < to) {
    const ch = charAround(text, j, false);
    if (!isSpacedWordChar(ch)) break;
    j += ch.length;
  }
  return j;
}

/**
 * The form under which the matcher knows an entry's source: two sources of one key are the same
 * term to it (the later would win), so a glossary that holds both is refused when stored.
 */
export function glossaryTermKey(source: string, caseSensitive: boolean): string {
  return fold(source.trim(), caseSensitive);
}

/**
 * Finds terms in `text[from, to)`, left to right, longest first at each position, never
 * overlapping. Word boundaries are checked against the real neighbours in `text`, so a range cut
 * between two placeholders still sees whole words.
 */
export function findGlossaryTerms(
  glossary: CompiledGlossary,
  text: string,
  from = 0,
  to = text.length,
): GlossaryMatch[] {
  const found: GlossaryMatch[] = [];
  if (glossary.byFirstWord.size === 0 || from >= to) return found;
  // Only the range is folded (a text cut between placeholders is searched range by range).
  const folded = fold(text.slice(from, to), glossary.caseSensitive);
  let i = from;
  while (i < to) {
    const end = from + keyEnd(folded, i - from, to - from);
    const startsWord = !(
      isSpacedWordChar(charAround(text, i - 1, true)) && isSpacedWordChar(charAround(text, i, false))
    );
    const match = startsWord ? longestAt(glossary, text, folded, from, i, end, to) : undefined;
    if (match) {
      found.push(match);
      i = match.end;
    } else {
      i = end;
    }
  }
  return found;
}

/** `folded` is `text[from, to)` folded; positions are in `text`. */
function longestAt(
  glossary: CompiledGlossary,
  text: string,
  folded: string,
  from: number,
  start: number,
  keyEnd: number,
  to: number,
): GlossaryMatch | undefined {
  const candidates = glossary.byFirstWord.get(folded.slice(start - from, keyEnd - from));
  if (!candidates) return undefined;
  for (const term of candidates) {
    const end = start + term.folded.length;
    if (end > to || !folded.startsWith(term.folded, start - from)) continue;
    // The term must not end inside a word: "bucket" is not in "buckets".
    if (isSpacedWordChar(charAround(text, end - 1, true)) && isSpacedWordChar(charAround(text, end, false)))
      continue;
    return { start, end, target: term.target };
  }
  return undefined;
}
