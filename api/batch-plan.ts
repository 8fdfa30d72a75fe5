/**
 * Turns the items of a batch into chunk jobs: identical texts (same source, target and format)
 * are translated once, and distinct texts sharing (source, target, format) are packed into
 * provider requests of at most 128 segments and `maxChars` characters.
 */
import type { BatchChunkJobData } from '../shared/jobs/batch-chunk-job.js';
import { MAX_SEGMENTS_PER_REQUEST } from '../shared/schemas.js';
import type { StoredItem } from '../shared/batch-store.js';

export type PlannedChunk = Omit<BatchChunkJobData, 'batch_id'>;

interface Group {
  target: string;
  source: string | undefined;
  format: 'text' | 'html';
  /** text → indexes of the items with that text, in first-seen order */
  texts: Map<string, number[]>;
}

export function planChunks(items: readonly StoredItem[], maxChars: number): PlannedChunk[] {
  const groups = new Map<string, Group>();
  items.forEach((item, index) => {
    const format = item.m ?? 'text';
    const key = `${item.f ?? ''}\u0000${item.t}\u0000${format}`;
    let group = groups.get(key);
    if (!group) {
      group = { target: item.t, source: item.f, format, texts: new Map() };
      groups.set(key, group);
    }
    const indexes = group.texts.get(item.s);
    if (indexes) indexes.push(index);
    else group.texts.set(item.s, [index]);
  });

  const chunks: PlannedChunk[] = [];
  for (const group of groups.values()) {
    let texts: string[] = [];
    let indexes: number[][] = [];
    let chars = 0;
    const flush = () => {
      if (texts.length === 0) return;
      chunks.push({
        chunk: chunks.length,
        target: group.target,
        ...(group.source ? { source: group.source } : {}),
        format: group.format,
        texts,
        indexes,
      });
      texts = [];
      indexes = [];
      chars = 0;
    };
    for (const [text, at] of group.texts) {
      // A text longer than maxChars still goes, alone (MAX_TEXT_CHARS bounds it).
      if (texts.length === MAX_SEGMENTS_PER_REQUEST || (texts.length > 0 && chars + text.length > maxChars))
        flush();
      texts.push(text);
      indexes.push(at);
      chars += text.length;
    }
    flush();
  }
  return chunks;
}
