import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/**
 * Parsing Markdown (CommonMark + GFM: tables, strikethrough, autolink literals, task lists,
 * footnotes) into a tree whose positions are offsets into the source.
 */

/**
 * Front matter is not CommonMark and no front matter extension is installed, so it is blanked
 * (same length, newlines kept) before parsing: positions stay source offsets, and the block is
 * never seen as a thematic break and a setext heading. Only a block opening on the first line
 * with `---` and closed by a `---` or `...` line counts, as in Jekyll, Hugo and the YAML spec.
 */
export function frontMatterEnd(source: string): number {
  const open = /^---[ \t]*\r?\n/.exec(source);
  if (!open) return 0;
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;
  const rest = source.slice(open[0].length);
  const m = close.exec(rest);
  return m ? open[0].length + m.index + m[0].length : 0;
}

export function parseMarkdown(source: string): Root {
  const end = frontMatterEnd(source);
  const masked = end === 0 ? source : source.slice(0, end).replace(/[^\r\n]/g, ' ') + source.slice(end);
  return fromMarkdown(masked, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

export function startOf(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}

export function endOf(node: Nodes): number {
  return node.position?.end.offset ?? 0;
}

/** Calls `visit` on every node, depth first; `visit` returning false skips the node's children. */
export function walk(node: Nodes, visit: (node: Nodes) => boolean | void): void {
  if (visit(node) === false) return;
  if ('children' in node) for (const child of node.children) walk(child, visit);
}
