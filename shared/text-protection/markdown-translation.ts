import type { Nodes, PhrasingContent } from 'mdast';
import type { CompiledGlossary } from './glossary-matcher.js';
import { verifyMarkdownTrees } from './markdown-verification.js';
import { endOf, parseMarkdown, startOf, walk } from './markdown-tree.js';
import type { PlaceholderKind } from './placeholder-kinds.js';
import {
  readUnit,
  renderUnit,
  type Piece,
  type ProtectedUnit,
  type RestoredPiece,
} from './protected-unit.js';
import { protectTextPieces } from './text-protection.js';
import { restoreResult, type RestoreResult, type VerificationIssue } from './verification.js';

/**
 * Translating Markdown: the prose of each paragraph, heading and table cell is one unit; all other
 * bytes (code, fences, URLs, HTML blocks, front matter, list and table syntax, heading marks)
 * never reach the provider and are copied back from the source by offset.
 *
 * Inside a unit, emphasis, strong, strikethrough and link text travel as html elements (`<i>`,
 * `<b>`, `<s>`, `<a>`) so the provider moves them with their words; the Markdown markers and the
 * link's `](url "title")` are kept aside and put back around the translated words. Inline code,
 * images, autolinks, inline HTML, footnote marks and line breaks are protected spans.
 */

export interface MarkdownProtectOptions {
  /** Placeholder kinds also protected inside prose. */
  kinds?: readonly PlaceholderKind[];
  glossary?: CompiledGlossary;
  /** @default false */
  strict?: boolean;
}

interface MarkdownUnit {
  readonly start: number;
  readonly end: number;
  readonly unit: ProtectedUnit;
  readonly sent: boolean;
  /** The source markers of each element, by id: `**` and `**`, or `[` and `](url)`. */
  readonly markers: ReadonlyMap<number, readonly [string, string]>;
  /** A `|` in a translated table cell would split the cell. */
  readonly inTable: boolean;
}

export interface ProtectedMarkdown {
  readonly providerFormat: 'html';
  /** One provider text per unit with prose, in document order. */
  readonly providerTexts: string[];
  readonly source: string;
  readonly units: readonly MarkdownUnit[];
}

const UNIT_TYPES = new Set(['paragraph', 'heading', 'tableCell']);
const ELEMENT_TAGS: Partial<Record<Nodes['type'], string>> = {
  emphasis: 'i',
  strong: 'b',
  delete: 's',
  link: 'a',
  linkReference: 'a',
};

export function protectMarkdown(source: string, options: MarkdownProtectOptions = {}): ProtectedMarkdown {
  const units: MarkdownUnit[] = [];
  walk(parseMarkdown(source), (node) => {
    if (!UNIT_TYPES.has(node.type) || !('children' in node) || node.children.length === 0) return;
    const children = node.children as PhrasingContent[];
    const start = startOf(children[0]!);
    const end = endOf(children[children.length - 1]!);
    const markers = new Map<number, readonly [string, string]>();
    const pieces = protectTextPieces(
      inlinePieces(source, children, start, markers),
      options.kinds ?? [],
      options.glossary,
    );
    const sent = pieces.some((p) => p.type === 'text' && /\p{L}/u.test(p.text));
    const unit = renderUnit(pieces, 'text', options.strict ?? false);
    units.push({ start, end, unit, sent, markers, inTable: node.type === 'tableCell' });
    return false;
  });
  const providerTexts = units.filter((u) => u.sent).map((u) => u.unit.providerText);
  return { providerFormat: 'html', providerTexts, source, units };
}

/** Line breaks inside prose, with the next line's container prefix (`> `, indentation). */
const LINE_BREAK = /\r?\n[ \t>]*/g;

function proseWithBreaks(text: string, pieces: Piece[]): void {
  let at = 0;
  // After a hard break (`  \n`, `\\\n`) the next line's prefix is syntax too, not prose.
  const last = pieces[pieces.length - 1];
  if (last?.type === 'span' && last.value.endsWith('\n')) {
    at = /^[ \t>]*/.exec(text)![0].length;
    last.value += text.slice(0, at);
  }
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(text); m !== null; m = LINE_BREAK.exec(text)) {
    if (m.index > at) pieces.push({ type: 'text', text: text.slice(at, m.index) });
    pieces.push({ type: 'span', kind: 'markdown_syntax', value: m[0] });
    at = m.index + m[0].length;
  }
  if (at < text.length) pieces.push({ type: 'text', text: text.slice(at) });
}

/** Pieces of a run of inline nodes, read from source slices so untouched bytes stay as written. */
function inlinePieces(
  source: string,
  children: readonly PhrasingContent[],
  from: number,
  markers: Map<number, readonly [string, string]>,
): Piece[] {
  const pieces: Piece[] = [];
  let at = from;
  for (const child of children) {
    const start = startOf(child);
    const end = endOf(child);
    if (start > at) proseWithBreaks(source.slice(at, start), pieces);
    const tag = ELEMENT_TAGS[child.type];
    const inner = 'children' in child ? (child.children as PhrasingContent[]) : [];
    if (child.type === 'text') proseWithBreaks(source.slice(start, end), pieces);
    else if (tag && inner.length > 0 && !isAutolink(source, child)) {
      const innerStart = startOf(inner[0]!);
      const innerEnd = endOf(inner[inner.length - 1]!);
      const id = markers.size;
      markers.set(id, [source.slice(start, innerStart), source.slice(innerEnd, end)]);
      pieces.push({ type: 'open', tag, id }, ...inlinePieces(source, inner, innerStart, markers), {
        type: 'close',
        tag,
        id,
      });
    } else {
      pieces.push({ type: 'span', kind: spanKindOf(child), value: source.slice(start, end) });
    }
    at = end;
  }
  return pieces;
}

/** `<https://x>` and a bare `https://x` are links whose text is the URL: the whole is protected. */
function isAutolink(source: string, node: PhrasingContent): boolean {
  return node.type === 'link' && source[startOf(node)] !== '[';
}

function spanKindOf(node: PhrasingContent) {
  switch (node.type) {
    case 'inlineCode':
      return 'markdown_code' as const;
    case 'html':
      return 'markdown_html' as const;
    case 'link':
    case 'image':
    case 'imageReference':
    case 'linkReference':
      return 'markdown_url' as const;
    default:
      return 'markdown_syntax' as const;
  }
}

/**
 * Rebuilds the document from the provider's answers (one per sent unit, in order) by replacing
 * each unit's source range, then parses the result and checks that code, URLs, HTML and block
 * structure are unchanged.
 */
export function restoreMarkdown(prot: ProtectedMarkdown, outputs: readonly string[]): RestoreResult {
  const issues: VerificationIssue[] = [];
  let text = '';
  let at = 0;
  let next = 0;
  for (const u of prot.units) {
    text += prot.source.slice(at, u.start);
    at = u.end;
    if (!u.sent) {
      text += prot.source.slice(u.start, u.end);
      continue;
    }
    const output = outputs[next++];
    if (output === undefined) {
      issues.push({
        kind: 'markdown_structure_changed',
        detail: 'the provider returned fewer texts than were sent',
      });
      text += prot.source.slice(u.start, u.end);
      continue;
    }
    const read = readUnit(output, u.unit, 'markdown_structure_changed');
    issues.push(...read.issues);
    text += markdownOf(u, read.pieces);
  }
  text += prot.source.slice(at);
  if (issues.length === 0)
    issues.push(...verifyMarkdownTrees(prot.source, parseMarkdown(prot.source), text, parseMarkdown(text)));
  return restoreResult(text, issues);
}

/**
 * Joins a unit's pieces as Markdown. Whitespace the provider put just inside an element moves
 * outside its markers: `** bold**` and `**bold **` are not emphasis in Markdown.
 */
function markdownOf(u: MarkdownUnit, pieces: readonly RestoredPiece[]): string {
  let out = '';
  let openedAt = -1; // where the marker just emitted starts, while no text followed it yet
  for (const piece of pieces) {
    if (piece.type === 'text') {
      let text = u.inTable ? piece.text.replace(/(?<!\\)\|/g, '\\|') : piece.text;
      if (openedAt >= 0) {
        const lead = /^[ \t]+/.exec(text)?.[0] ?? '';
        out = out.slice(0, openedAt) + lead + out.slice(openedAt);
        text = text.slice(lead.length);
      }
      out += text;
      openedAt = -1;
    } else if (piece.type === 'open') {
      openedAt = out.length;
      out += u.markers.get(piece.id)?.[0] ?? '';
    } else if (piece.type === 'close') {
      const trailing = /[ \t]+$/.exec(out)?.[0] ?? '';
      out = out.slice(0, out.length - trailing.length) + (u.markers.get(piece.id)?.[1] ?? '') + trailing;
      openedAt = -1;
    } else {
      out += u.unit.spans[piece.index]!.value;
      openedAt = -1;
    }
  }
  return out;
}
