import type { Root } from 'mdast';
import { endOf, parseMarkdown, startOf, walk } from './markdown-tree.js';
import {
  quote,
  verificationResult,
  type VerificationIssue,
  type VerificationResult,
  type VerificationIssueKind,
} from './verification.js';

/**
 * What a translation of a Markdown document must keep: the same code spans and blocks and the
 * same HTML (byte-for-byte), the same link, image and definition URLs, and the same blocks and
 * inline structure. Compared as multisets: a translation may move an inline code span in its
 * sentence, but not change, lose or add one.
 */
interface Inventory {
  code: string[];
  urls: string[];
  html: string[];
  blocks: string[];
  inline: string[];
}

const INLINE_STRUCTURE = new Set([
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
  'image',
  'imageReference',
  'footnoteReference',
  'break',
]);
const PHRASING = new Set([...INLINE_STRUCTURE, 'text', 'inlineCode', 'html']);

function inventoryOf(source: string, tree: Root): Inventory {
  const inv: Inventory = { code: [], urls: [], html: [], blocks: [], inline: [] };
  walk(tree, (node) => {
    const slice = source.slice(startOf(node), endOf(node));
    if (node.type === 'inlineCode' || node.type === 'code') inv.code.push(slice);
    else if (node.type === 'html') inv.html.push(slice);
    // A link broken as `[text] (url)` still has its URL, as an autolink: the form counts too.
    if (node.type === 'link') inv.urls.push(`${slice.startsWith('[') ? 'link' : 'autolink'} ${node.url}`);
    else if (node.type === 'image' || node.type === 'definition') inv.urls.push(`${node.type} ${node.url}`);
    if (INLINE_STRUCTURE.has(node.type)) inv.inline.push(node.type);
    else if (!PHRASING.has(node.type)) inv.blocks.push(node.type);
  });
  return inv;
}

function compare(kind: VerificationIssueKind, what: string, a: string[], b: string[]): VerificationIssue[] {
  const sa = [...a].sort();
  const sb = [...b].sort();
  if (sa.length === sb.length && sa.every((x, i) => x === sb[i])) return [];
  const lost = sa.filter((x) => !sb.includes(x));
  const added = sb.filter((x) => !sa.includes(x));
  const detail =
    lost.length > 0 || added.length > 0
      ? `${what} lost: ${quote(lost.join(' | '))}; added: ${quote(added.join(' | '))}`
      : `${what}: ${sa.length} in the source, ${sb.length} in the output`;
  return [{ kind, detail }];
}

export function verifyMarkdownTrees(
  source: string,
  sourceTree: Root,
  output: string,
  outputTree: Root,
): VerificationIssue[] {
  const a = inventoryOf(source, sourceTree);
  const b = inventoryOf(output, outputTree);
  return [
    ...compare('markdown_code_changed', 'code', a.code, b.code),
    ...compare('markdown_url_changed', 'URLs', a.urls, b.urls),
    ...compare('markdown_html_changed', 'HTML', a.html, b.html),
    ...compare('markdown_structure_changed', 'blocks', a.blocks, b.blocks),
    ...compare('markdown_structure_changed', 'inline elements', a.inline, b.inline),
  ];
}

/** Checks a translated document against its source; usable on any translation, not only ours. */
export function verifyMarkdown(source: string, output: string): VerificationResult {
  return verificationResult(
    verifyMarkdownTrees(source, parseMarkdown(source), output, parseMarkdown(output)),
  );
}
