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

/** Details listed in a 400; the message still counts every bad item. */
const MAX_DETAILS = 100;

export interface ParsedBatch {
  items: StoredItem[];
  callbackUrl?: string;
}

export function parseBatchRequest(
  body: unknown,
  config: Pick<Config, 'MAX_BATCH_ITEMS' | 'MAX_TEXT_CHARS'>,
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
      for (const tgt of request.tgt_langs) {
        items.push(
          toStored({
            src_text: parsed.data,
            tgt_lang: tgt,
            src_lang: request.src_lang,
            format: request.format,
          }),
        );
      }
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

function toStored(item: BatchItem): StoredItem {
  return {
    s: item.src_text,
    t: item.tgt_lang,
    ...(item.src_lang && item.src_lang !== 'auto' ? { f: item.src_lang } : {}),
    ...(item.format === 'html' ? { m: 'html' as const } : {}),
    ...(item.ref !== undefined ? { r: item.ref } : {}),
  };
}
