/**
 * Finds glossary source terms in a text. A glossary is compiled once per version into a trie, so a
 * lookup costs one walk per word start, whatever the number of entries (10,000 are allowed).
 * A single regex alternation of 10,000 terms would also work, but V8 compiles it slowly and its
 * leftmost-first choice needs the terms sorted by length; the trie gives longest-match directly.
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

interface TrieNode {
  next: Map<number, TrieNode>;
  /** Set when a source term ends here. */
  target?: string;
}

export interface CompiledGlossary {
  readonly caseSensitive: boolean;
  readonly root: TrieNode;
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
  const root: TrieNode = { next: new Map() };
  for (const { source, target } of entries) {
    const term = source.trim();
    if (term === '') continue;
    let node = root;
    for (let i = 0; i < term.length; i++) {
      const code = foldAt(term, i, caseSensitive);
      let child = node.next.get(code);
      if (!child) {
        child = { next: new Map() };
        node.next.set(code, child);
      }
      node = child;
    }
    node.target = target;
  }
  return { caseSensitive, root };
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
/** Scripts written without spaces between words: a term there needs no word boundary. */
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;

/**
 * Case folding one UTF-16 unit at a time keeps offsets in the folded text equal to offsets in the
 * original (a whole-string `toLowerCase` can change the length, e.g. for "İ").
 */
function foldAt(text: string, i: number, caseSensitive: boolean): number {
  const code = text.charCodeAt(i);
  if (caseSensitive) return code;
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? code + 32 : code;
  const lower = String.fromCharCode(code).toLowerCase();
  return lower.length === 1 ? lower.charCodeAt(0) : code;
}

/** The character at a UTF-16 index, whole when it is a surrogate pair. */
function charAround(text: string, index: number, before: boolean): string {
  if (index < 0 || index >= text.length) return '';
  const code = text.charCodeAt(index);
  if (before && code >= 0xdc00 && code <= 0xdfff && index > 0) return text.slice(index - 1, index + 1);
  if (!before && code >= 0xd800 && code <= 0xdbff) return text.slice(index, index + 2);
  return text[index]!;
}

/** True when `outside` and `inside` would be one word: both word characters of a spaced script. */
function joinsWord(outside: string, inside: string): boolean {
  return (
    outside !== '' &&
    WORD.test(outside) &&
    WORD.test(inside) &&
    !UNSPACED.test(outside) &&
    !UNSPACED.test(inside)
  );
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
  const { root, caseSensitive } = glossary;
  if (root.next.size === 0) return found;
  let i = from;
  while (i < to) {
    const match = longestAt(root, text, i, to, caseSensitive);
    if (match) {
      found.push(match);
      i = match.end;
      continue;
    }
    // Next candidate start: after the current word, since terms start on a word boundary.
    i = nextWordStart(text, i, to);
  }
  return found;
}

function longestAt(
  root: TrieNode,
  text: string,
  start: number,
  to: number,
  caseSensitive: boolean,
): GlossaryMatch | undefined {
  if (joinsWord(charAround(text, start - 1, true), charAround(text, start, false))) return undefined;
  let node: TrieNode | undefined = root;
  let best: GlossaryMatch | undefined;
  for (let j = start; j < to && node; j++) {
    node = node.next.get(foldAt(text, j, caseSensitive));
    if (node?.target !== undefined && !joinsWord(charAround(text, j + 1, false), charAround(text, j, true))) {
      best = { start, end: j + 1, target: node.target };
    }
  }
  return best;
}

function nextWordStart(text: string, i: number, to: number): number {
  const ch = charAround(text, i, false);
  let j = i + (ch.length || 1);
  if (!WORD.test(ch) || UNSPACED.test(ch)) return j;
  while (j < to) {
    const c = charAround(text, j, false);
    if (!WORD.test(c) || UNSPACED.test(c)) return j;
    j += c.length;
  }
  return j;
}
