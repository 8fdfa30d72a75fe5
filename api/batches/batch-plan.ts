/**
 * Turns the items of a batch into chunks: identical texts of one shape (languages, format and
 * protection settings) are translated once,
 * and the distinct texts of each shape are packed (shared/provider-request/pack.ts) into provider
 * requests of at most 128 segments and `maxChars` characters.
 */
import type { BatchChunk } from '../../shared/jobs/batch-chunk-job.js';
import type { StoredItem } from '../../shared/batch-store.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { packLimits } from '../../shared/provider-request/limits.js';
import { PackingQueue } from '../../shared/provider-request/pack.js';
import { shapeKey, type GlossaryRef, type Shape } from '../../shared/provider-request/shape.js';

export type PlannedChunk = Omit<BatchChunk, 'batch_id'>;

interface ShapeTexts {
  shape: Shape;
  /** text → indexes of the items with that text, in first-seen order */
  texts: Map<string, number[]>;
}

/**
 * @param glossaries the glossaries the items name (`g`), at the versions looked up when the batch
 *   was accepted.
 */
export function planChunks(
  items: readonly StoredItem[],
  maxChars: number,
  glossaries: ReadonlyMap<string, GlossaryRef> = new Map(),
): PlannedChunk[] {
  const groups = new Map<string, ShapeTexts>();
  items.forEach((item, index) => {
    const shape: Shape = {
      target: item.t,
      source: item.f,
      format: item.m ?? 'text',
      placeholders: item.p,
      glossary: item.g === undefined ? undefined : glossaries.get(item.g),
      on_unsafe: item.u,
    };
    const key = shapeKey(shape);
    let group = groups.get(key);
    if (!group) {
      group = { shape, texts: new Map() };
      groups.set(key, group);
    }
    const indexes = group.texts.get(item.s);
    if (indexes) indexes.push(index);
    else group.texts.set(item.s, [index]);
  });

  const limits = packLimits(maxChars);
  const chunks: PlannedChunk[] = [];
  for (const { shape, texts } of groups.values()) {
    const queue = new PackingQueue<[string, number[]]>(limits);
    for (const entry of texts) queue.push(entry, countChars(entry[0]));
    while (queue.size > 0) {
      const pack = queue.take();
      chunks.push({
        chunk: chunks.length,
        target: shape.target,
        ...(shape.source ? { source: shape.source } : {}),
        format: shape.format,
        ...(shape.placeholders ? { placeholders: [...shape.placeholders] } : {}),
        ...(shape.glossary ? { glossary: shape.glossary } : {}),
        ...(shape.on_unsafe ? { on_unsafe: shape.on_unsafe } : {}),
        texts: pack.map(([text]) => text),
        indexes: pack.map(([, at]) => at),
      });
    }
  }
  return chunks;
}
