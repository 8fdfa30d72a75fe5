import { escapeHtml } from './html-entities.js';
import { findGlossaryTerms, type CompiledGlossary } from './glossary-matcher.js';
import type { PlaceholderKind } from './placeholder-kinds.js';
import { findPlaceholders } from './placeholder-scanner.js';
import {
  readUnit,
  renderUnit,
  type Domain,
  type Piece,
  type ProtectedUnit,
  type SpanKind,
} from './protected-unit.js';
import { restoreResult, type RestoreResult } from './verification.js';

export interface ProtectOptions {
  /**
   * The retry method: spans travel as opaque numbered tokens (`PH0`, `PH1`), so the provider never
   * sees their content, and each comes back by number.
   * @default false
   */
  strict?: boolean;
  /** Terms replaced by their target and protected; compile once per glossary version. */
  glossary?: CompiledGlossary;
}

/** A protected span as found in the source text. */
export interface ProtectedSpan {
  kind: SpanKind;
  start: number;
  end: number;
  /** What the output must contain in its place: the source text, or a glossary term's target. */
  restored: string;
}

export interface ProtectedText {
  /** What to send to the provider. */
  providerText: string;
  /** The format to send it in: `html` once anything is protected, else the input format. */
  providerFormat: Domain;
  spans: ProtectedSpan[];
  /** Undefined when nothing was protected: the text goes out as it came and comes back as is. */
  readonly unit: ProtectedUnit | undefined;
}

/**
 * Prepares a text (format `text` or `html`) for the provider: placeholders of the given kinds and
 * glossary terms become protected spans. A text with nothing to protect is sent unchanged in its
 * own format, so requests without placeholders behave and cache exactly as before.
 */
export function protect(
  text: string,
  format: Domain,
  kinds: readonly PlaceholderKind[],
  options: ProtectOptions = {},
): ProtectedText {
  const found =
    format === 'html'
      ? findInHtml(text, kinds, options.glossary)
      : findInRange(text, 0, text.length, kinds, options.glossary);
  if (found.length === 0) return { providerText: text, providerFormat: format, spans: [], unit: undefined };
  const unit = renderUnit(piecesOf(text, found), format, options.strict ?? false);
  return { providerText: unit.providerText, providerFormat: 'html', spans: found, unit };
}

/**
 * Puts the spans back into the provider's answer and checks them: each span exactly as sent, as
 * many times as sent, and non-positional printf conversions in their order.
 */
export function restore(providerOutput: string, prot: ProtectedText): RestoreResult {
  if (!prot.unit) return { ok: true, text: providerOutput };
  const { pieces, issues } = readUnit(providerOutput, prot.unit, 'placeholder_altered');
  let text = '';
  for (const piece of pieces) {
    if (piece.type === 'text') text += piece.text;
    else if (piece.type === 'span') text += prot.unit.spans[piece.index]!.value;
  }
  return restoreResult(text, issues);
}

/** Turns spans found in a text into the pieces of a unit. */
export function piecesOf(text: string, spans: readonly ProtectedSpan[]): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start > at) pieces.push({ type: 'text', text: text.slice(at, span.start) });
    pieces.push({ type: 'span', kind: span.kind, value: span.restored });
    at = span.end;
  }
  if (at < text.length) pieces.push({ type: 'text', text: text.slice(at) });
  return pieces;
}

/**
 * Placeholders first, then glossary terms in the text between them: a term inside `{bucket}` is a
 * variable name, not prose.
 */
export function findInRange(
  text: string,
  from: number,
  to: number,
  kinds: readonly PlaceholderKind[],
  glossary: CompiledGlossary | undefined,
  escapeTargets = false,
): ProtectedSpan[] {
  const placeholders = findPlaceholders(text, kinds, from, to);
  if (!glossary) {
    return placeholders.map((p) => ({
      kind: p.kind,
      start: p.start,
      end: p.end,
      restored: text.slice(p.start, p.end),
    }));
  }
  const spans: ProtectedSpan[] = [];
  let at = from;
  const addTerms = (end: number) => {
    for (const term of findGlossaryTerms(glossary, text, at, end)) {
      spans.push({
        kind: 'glossary',
        start: term.start,
        end: term.end,
        restored: escapeTargets ? escapeHtml(term.target) : term.target,
      });
    }
  };
  for (const p of placeholders) {
    addTerms(p.start);
    spans.push({ kind: p.kind, start: p.start, end: p.end, restored: text.slice(p.start, p.end) });
    at = p.end;
  }
  addTerms(to);
  return spans;
}

/** Tags, comments and the content of script and style are html structure, never scanned. */
const HTML_STRUCTURE = /<!--[\s\S]*?-->|<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>|<[A-Za-z/!?][^>]*>/gi;

/**
 * In html input, placeholders are looked for in text nodes only (an attribute like
 * `href="/u/{id}"` is not translated anyway) and `html_tags` does not apply: tags are the format.
 * Span values are html source, so they go back exactly as written.
 */
function findInHtml(
  html: string,
  kinds: readonly PlaceholderKind[],
  glossary: CompiledGlossary | undefined,
): ProtectedSpan[] {
  const textKinds = kinds.filter((k) => k !== 'html_tags');
  if (textKinds.length === 0 && !glossary) return [];
  const spans: ProtectedSpan[] = [];
  let at = 0;
  HTML_STRUCTURE.lastIndex = 0;
  for (let m = HTML_STRUCTURE.exec(html); m !== null; m = HTML_STRUCTURE.exec(html)) {
    if (m.index > at) spans.push(...findInRange(html, at, m.index, textKinds, glossary, true));
    at = m.index + m[0].length;
  }
  if (at < html.length) spans.push(...findInRange(html, at, html.length, textKinds, glossary, true));
  return spans;
}

/**
 * Protects placeholders and glossary terms inside the text pieces of a unit built by a format
 * (Markdown, ICU) whose structure is already pieces.
 */
export function protectTextPieces(
  pieces: readonly Piece[],
  kinds: readonly PlaceholderKind[],
  glossary: CompiledGlossary | undefined,
): Piece[] {
  if (kinds.length === 0 && !glossary) return [...pieces];
  return pieces.flatMap((piece) =>
    piece.type === 'text'
      ? piecesOf(piece.text, findInRange(piece.text, 0, piece.text.length, kinds, glossary))
      : [piece],
  );
}
