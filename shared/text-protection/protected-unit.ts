import { escapeHtml, unescapeHtml } from './html-entities.js';
import type { PlaceholderKind } from './placeholder-kinds.js';
import { quote, type VerificationIssue, type VerificationIssueKind } from './verification.js';

/**
 * A protected unit is one text sent to the provider as html. Its pieces are translatable text,
 * protected spans (sent inside `<span translate="no">`, put back verbatim) and paired inline
 * elements (Markdown emphasis and links, ICU tags) sent as real html tags so the provider moves
 * them with the words they wrap.
 *
 * Why html with `translate="no"`: Google documents that it leaves such content alone in html
 * format, while in text format it puts spaces inside braces, translates placeholder names and
 * splits `%s`. Escaping the text and sending html costs a few bytes and is the documented route.
 */

/** What a protected span is; the kind decides which issue a change to it reports. */
export type SpanKind =
  | PlaceholderKind
  | 'glossary'
  | 'markdown_code'
  | 'markdown_url'
  | 'markdown_html'
  /** Markdown syntax inside prose: a line break with the next line's `> ` prefix, a footnote mark. */
  | 'markdown_syntax'
  | 'icu_argument'
  | 'icu_pound'
  | 'icu_nested';

/**
 * `text` pieces are in the unit's domain: plain text (escaped when rendered) or, for html input,
 * html source (rendered as is). A span's `value` is in the same domain and is what restore puts back.
 */
export type Piece =
  | { type: 'text'; text: string }
  | { type: 'span'; kind: SpanKind; value: string }
  | { type: 'open'; tag: string; id: number }
  | { type: 'close'; tag: string; id: number };

export type Domain = 'text' | 'html';

export interface ProtectedUnit {
  readonly providerText: string;
  readonly pieces: readonly Piece[];
  readonly domain: Domain;
  /** Spans sent as opaque numbered tokens (`PH3`) rather than their content: the retry method. */
  readonly strict: boolean;
  /** The span pieces in source order; their position here is their token number. */
  readonly spans: ReadonlyArray<Extract<Piece, { type: 'span' }>>;
}

/** A piece of the provider's answer, with spans and elements resolved to the unit's own. */
export type RestoredPiece =
  | { type: 'text'; text: string }
  | { type: 'span'; index: number }
  | { type: 'open'; id: number }
  | { type: 'close'; id: number };

/** A class no one writes by hand tells our spans apart from `translate="no"` spans in html input. */
const SPAN_OPEN = '<span translate="no" class="notranslate tq-protected">';
const SPAN_CLOSE = '</span>';

/** Renders the pieces as the html the provider receives. */
export function renderUnit(pieces: readonly Piece[], domain: Domain, strict: boolean): ProtectedUnit {
  const spans: Array<Extract<Piece, { type: 'span' }>> = [];
  let html = '';
  for (const piece of pieces) {
    if (piece.type === 'text') html += domain === 'text' ? textToHtml(piece.text) : piece.text;
    else if (piece.type === 'span') {
      html += SPAN_OPEN + (strict ? `PH${spans.length}` : shownHtml(piece, domain)) + SPAN_CLOSE;
      spans.push(piece);
    } else if (piece.type === 'open') html += `<${piece.tag} id="tq${piece.id}">`;
    else html += `</${piece.tag}>`;
  }
  return { providerText: html, pieces, domain, strict, spans };
}

/** Line breaks travel as `<br>`: html collapses a raw newline into a space. */
function textToHtml(text: string): string {
  const escaped = escapeHtml(text);
  return escaped.includes('\n') ? escaped.replace(/\n/g, '<br>') : escaped;
}

function shownHtml(span: Extract<Piece, { type: 'span' }>, domain: Domain): string {
  return domain === 'text' ? textToHtml(span.value) : span.value;
}

const TOKEN =
  /<span\b[^>]*\btq-protected\b[^>]*>([\s\S]*?)<\/span\s*>|<(\/?)([A-Za-z][\w:-]*)([^>]*)>|[^<]+|</g;
const OUR_ID = /\bid\s*=\s*["']?tq(\d+)\b/;

/** Which issue a changed span reports, by what the span protected. */
export function spanIssueKind(
  kind: SpanKind,
  problem: 'missing' | 'duplicated' | 'altered',
): VerificationIssueKind {
  switch (kind) {
    case 'glossary':
      return problem === 'duplicated' ? 'glossary_term_duplicated' : 'glossary_term_missing';
    case 'markdown_code':
      return 'markdown_code_changed';
    case 'markdown_url':
      return 'markdown_url_changed';
    case 'markdown_html':
      return 'markdown_html_changed';
    case 'markdown_syntax':
      return 'markdown_structure_changed';
    case 'icu_argument':
    case 'icu_pound':
    case 'icu_nested':
      return 'icu_argument_changed';
    default:
      return `placeholder_${problem}`;
  }
}

export interface ReadUnit {
  pieces: RestoredPiece[];
  issues: VerificationIssue[];
}

/**
 * Reads the provider's html back into pieces and checks that every span came back exactly, as
 * many times as it was sent, and that every element it opened is closed once. `markupIssue` names
 * the issue for a lost or unbalanced element (it differs between Markdown and ICU).
 */
export function readUnit(output: string, unit: ProtectedUnit, markupIssue: VerificationIssueKind): ReadUnit {
  const pieces: RestoredPiece[] = [];
  const spans = new SpanLedger(unit);
  const open: Array<{ id: number; tag: string }> = [];
  const seenOpen = new Set<number>();
  const markup: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(output); m !== null; m = TOKEN.exec(output)) {
    const [whole, spanContent, slash, tag, attrs] = m;
    if (spanContent !== undefined) {
      const index = spans.take(spanContent);
      // What the provider returned in place of a span is kept, for `"on_unsafe": "return"`.
      if (index !== undefined) pieces.push({ type: 'span', index });
      else
        pieces.push({ type: 'text', text: unit.domain === 'text' ? unescapeHtml(spanContent) : spanContent });
    } else if (tag !== undefined && unit.domain === 'text') {
      const ours = slash ? undefined : OUR_ID.exec(attrs ?? '');
      if (ours) {
        const id = Number(ours[1]);
        if (seenOpen.has(id)) markup.push(`element ${id} appears twice`);
        seenOpen.add(id);
        open.push({ id, tag: tag.toLowerCase() });
        pieces.push({ type: 'open', id });
      } else if (slash && open.length > 0 && open[open.length - 1]?.tag === tag.toLowerCase()) {
        pieces.push({ type: 'close', id: open.pop()!.id });
      } else if (!slash && tag.toLowerCase() === 'br') {
        pieces.push({ type: 'text', text: '\n' });
      } else if (slash && unit.pieces.some((p) => p.type === 'open' && p.tag === tag.toLowerCase())) {
        markup.push(`a closing </${tag}> matches no open element`);
      } else {
        pieces.push({ type: 'text', text: whole });
      }
    } else {
      pieces.push({ type: 'text', text: unit.domain === 'text' ? unescapeHtml(whole) : whole });
    }
  }
  for (const { id } of open) markup.push(`element ${id} is not closed`);
  for (const piece of unit.pieces) {
    if (piece.type === 'open' && !seenOpen.has(piece.id))
      markup.push(`element ${piece.id} (<${piece.tag}>) is missing`);
  }
  const issues = [...spans.issues(pieces), ...markup.map((detail) => ({ kind: markupIssue, detail }))];
  return { pieces, issues };
}

/**
 * Matches the spans that came back to the spans that were sent. In strict mode a span is named by
 * its token; otherwise by its content, and equal contents are interchangeable (two `%s` are).
 */
class SpanLedger {
  private readonly unused: Map<string, number[]> = new Map();
  private readonly seen: Set<number> = new Set();
  private readonly altered: string[] = [];
  private readonly duplicated: number[] = [];

  constructor(private readonly unit: ProtectedUnit) {
    unit.spans.forEach((span, index) => {
      const key = unit.strict ? `PH${index}` : unescapeHtml(shownHtml(span, unit.domain));
      const list = this.unused.get(key);
      if (list) list.push(index);
      else this.unused.set(key, [index]);
    });
  }

  /** The index of the span this content stands for, or undefined when it is no span we sent. */
  take(content: string): number | undefined {
    const key = this.unit.strict ? content.trim() : unescapeHtml(content);
    const list = this.unused.get(key);
    if (list === undefined) {
      this.altered.push(key);
      return undefined;
    }
    const index = list.find((i) => !this.seen.has(i));
    if (index === undefined) {
      this.duplicated.push(list[0]!);
      return undefined;
    }
    this.seen.add(index);
    return index;
  }

  issues(pieces: readonly RestoredPiece[]): VerificationIssue[] {
    const issues: VerificationIssue[] = [];
    const missing = this.unit.spans.map((_, i) => i).filter((i) => !this.seen.has(i));
    // An unknown span beside a missing one is most likely that span, altered: report it once.
    for (const received of this.altered) {
      const index = missing.shift();
      const span = index === undefined ? undefined : this.unit.spans[index];
      issues.push({
        kind: spanIssueKind(span?.kind ?? 'printf', 'altered'),
        detail: span
          ? `${quote(span.value)} came back as ${quote(received)}`
          : `${quote(received)} came back but was never sent`,
      });
    }
    for (const index of missing) {
      const span = this.unit.spans[index]!;
      issues.push({ kind: spanIssueKind(span.kind, 'missing'), detail: `${quote(span.value)} is missing` });
    }
    for (const index of this.duplicated) {
      const span = this.unit.spans[index]!;
      issues.push({
        kind: spanIssueKind(span.kind, 'duplicated'),
        detail: `${quote(span.value)} came back more times than sent`,
      });
    }
    if (issues.length === 0) issues.push(...this.printfOrder(pieces));
    return issues;
  }

  /** `%s` then `%d` swapped means the arguments swap; positional `%1$s` may move freely. */
  private printfOrder(pieces: readonly RestoredPiece[]): VerificationIssue[] {
    const ordered = (span: Extract<Piece, { type: 'span' }> | undefined) =>
      span?.kind === 'printf' && span.value !== '%%' && !/^%\d+\$/.test(span.value);
    const sent = this.unit.spans.filter(ordered).map((s) => s.value);
    if (sent.length < 2) return [];
    const back = pieces.flatMap((p) =>
      p.type === 'span' && ordered(this.unit.spans[p.index]) ? [this.unit.spans[p.index]!.value] : [],
    );
    return sent.join('\u0000') === back.join('\u0000')
      ? []
      : [
          {
            kind: 'placeholder_reordered',
            detail: `printf order ${quote(sent.join(' '))} came back as ${quote(back.join(' '))}`,
          },
        ];
  }
}
