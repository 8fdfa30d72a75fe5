/**
 * Validates a POST /v1/batches body and expands it into stored items, in submission order.
 * Order of checks: the envelope, then the expanded count (413 before any per-item work), then
 * every item on its own, so a 400 lists every bad index at once.
 */
import type { Config } from '../../shared/config.js';
import { AppError, ValidationError, type ErrorDetail } from '../../shared/errors.js';
import { batchItemSchema, batchRequestSchema, type BatchItem } from '../../shared/batch-schemas.js';
import { cleanText } from '../../shared/schemas.js';
import type { StoredItem } from '../../shared/batch-store.js';
import { validate } from '../http/validate.js';
import { protectionShape, type IcuCheck } from '../protection/request-protection.js';

/** Details listed in a 400; the message still counts every bad item. */
const MAX_DETAILS = 100;

export interface ParsedBatch {
  items: StoredItem[];
  callbackUrl?: string;
}

/**
 * @param icuCheck checks items of format `icu` (a message that does not parse is a bad item); the
 *   caller loads it only for a body that has such items (`asksForIcu`). Without it they are not checked.
 */
export function parseBatchRequest(
  body: unknown,
  config: Pick<Config, 'MAX_BATCH_ITEMS' | 'MAX_TEXT_CHARS'>,
  icuCheck?: IcuCheck,
): ParsedBatch {
  const request = validate(batchRequestSchema, body);
  const count =
    'items' in request ? request.items.length : request.src_texts.length * request.tgt_langs.length;
  if (count > config.MAX_BATCH_ITEMS) {
    throw new AppError(
      'batch_too_large',
      `The batch has ${count} items; at most ${config.MAX_BATCH_ITEMS} are allowed.`,
    );
  }

  const problems: ErrorDetail[] = [];
  const badIndexes = new Set<number>();
  const report = (index: number, path: string, message: string) => {
    badIndexes.add(index);
    if (problems.length < MAX_DETAILS) problems.push({ path, message, index });
  };
  const items: StoredItem[] = [];

  if ('items' in request) {
    const schema = batchItemSchema(config.MAX_TEXT_CHARS);
    request.items.forEach((raw, index) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          report(index, ['body', 'items', index, ...issue.path.map(String)].join('.'), issue.message);
        }
        return;
      }
      const icu = parsed.data.format === 'icu' ? icuCheck?.(parsed.data.src_text) : undefined;
      if (icu !== undefined) return report(index, `body.items.${index}.src_text`, icu);
      items.push(toStored(parsed.data));
    });
  } else {
    const text = cleanText(config.MAX_TEXT_CHARS);
    request.src_texts.forEach((raw, index) => {
      const parsed = text.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) report(index, `body.src_texts.${index}`, issue.message);
        return;
      }
      const icu = request.format === 'icu' ? icuCheck?.(parsed.data) : undefined;
      if (icu !== undefined) return report(index, `body.src_texts.${index}`, icu);
      const { src_texts: _texts, tgt_langs: _langs, callback_url: _url, ...common } = request;
      for (const tgt of request.tgt_langs)
        items.push(toStored({ ...common, src_text: parsed.data, tgt_lang: tgt }));
    });
  }

  if (badIndexes.size > 0) {
    const list = [...badIndexes].slice(0, 20).join(', ');
    const more = badIndexes.size > 20 ? ', …' : '';
    throw new ValidationError(
      problems,
      `${badIndexes.size} of ${count} items are not valid (indexes ${list}${more}).`,
    );
  }
  return { items, ...(request.callback_url ? { callbackUrl: request.callback_url } : {}) };
}

/** Whether a batch body has items of format `icu` (then the ICU check is loaded before parsing). */
export function asksForIcu(body: unknown): boolean {
  const b = body as { format?: unknown; items?: unknown } | null;
  if (b?.format === 'icu') return true;
  return Array.isArray(b?.items) && b.items.some((item) => (item as { format?: unknown })?.format === 'icu');
}

function toStored(item: BatchItem): StoredItem {
  const { format, placeholders, on_unsafe } = protectionShape(item);
  return {
    s: item.src_text,
    t: item.tgt_lang,
    ...(item.src_lang && item.src_lang !== 'auto' ? { f: item.src_lang } : {}),
    ...(format !== 'text' ? { m: format } : {}),
    ...(placeholders ? { p: [...placeholders] } : {}),
    ...(item.glossary !== undefined ? { g: item.glossary } : {}),
    ...(on_unsafe ? { u: on_unsafe } : {}),
    ...(item.ref !== undefined ? { r: item.ref } : {}),
  };
}
