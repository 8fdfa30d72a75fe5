/**
 * `cli batch <file> --to en,ja [--from ko] [--out results.jsonl]`: submits the file as one batch,
 * shows a progress bar (rate, ETA) following the batch's SSE stream, writes the results in input
 * order as JSONL, and exits non-zero when any item failed. Ctrl-C cancels the batch. An input
 * larger than --batch-size (default 10,000, the server's default MAX_BATCH_ITEMS) goes as several batches.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import cliProgress from 'cli-progress';
import type {
  BatchAcceptedResponse,
  BatchResultItem,
  BatchResultsResponse,
  BatchStatusResponse,
} from '../shared/batch-schemas.js';
import { call } from './api-client.js';
import { readInput, InputError } from './read-input.js';
import { protectionFields, type ProtectionOptions } from './protection-options.js';
import { followEvents } from './sse-client.js';

export interface BatchCommandOptions {
  file: string;
  url: string;
  to: string[];
  from?: string;
  /** Protection fields for every item (--format, --placeholders, --glossary, --on-unsafe); an item's own win. */
  protection: ProtectionOptions;
  out?: string;
  /** Items per batch; a larger input goes as several batches. */
  batchSize: number;
  progress: boolean;
}

export async function batchCommand(options: BatchCommandOptions): Promise<number> {
  const input = await readInput(options.file);
  if (input.length === 0) throw new InputError(`${options.file} holds no texts`);
  const items = input.flatMap((item) => {
    const targets = item.tgt_lang ? [item.tgt_lang] : options.to;
    if (targets.length === 0) throw new InputError('give target languages with --to (or tgt_lang per item)');
    return targets.map((tgt) => ({
      src_text: item.src_text,
      tgt_lang: tgt,
      ...((item.src_lang ?? options.from) ? { src_lang: item.src_lang ?? options.from } : {}),
      ...protectionFields(item, options.protection),
      ...(item.ref !== undefined ? { ref: item.ref } : {}),
    }));
  });

  // Inputs larger than one batch go as several batches (--batch-size, the server's MAX_BATCH_ITEMS).
  const groups: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += options.batchSize)
    groups.push(items.slice(i, i + options.batchSize));
  const ids: string[] = [];
  const cancelAll = () =>
    Promise.allSettled(ids.map((id) => call(options.url, 'DELETE', `/v1/batches/${id}`)));
  try {
    for (const group of groups) {
      const accepted = await call<BatchAcceptedResponse>(options.url, 'POST', '/v1/batches', {
        items: group,
      });
      ids.push(accepted.body.batch_id);
      process.stderr.write(`batch ${accepted.body.batch_id}: ${accepted.body.total} items\n`);
    }
  } catch (err) {
    await cancelAll(); // all or nothing: no half-submitted file keeps running
    throw err;
  }

  let cancelling = false;
  const onSigint = () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    process.stderr.write('\ncancelling (Ctrl-C again to leave at once)…\n');
    void cancelAll();
  };
  process.on('SIGINT', onSigint);

  const bar = options.progress
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} | failed {failed}',
          etaBuffer: 20,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const started = Date.now();
  bar?.start(items.length, 0, { rate: '0', failed: 0 });
  const finals: BatchStatusResponse[] = [];
  try {
    // Batches run side by side on the server; their streams are followed one after the other.
    let before = { done: 0, failed: 0 };
    for (const id of ids) {
      let final: BatchStatusResponse | undefined;
      for await (const event of followEvents(`${options.url}/v1/batches/${id}/events`)) {
        const data = JSON.parse(event.data) as { completed: number; failed: number; cancelled?: number };
        const done = before.done + data.completed + data.failed + (data.cancelled ?? 0);
        const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
        bar?.update(done, { rate: rate.toFixed(0), failed: before.failed + data.failed });
        if (event.event === 'done') final = data as BatchStatusResponse;
      }
      final ??= (await call<BatchStatusResponse>(options.url, 'GET', `/v1/batches/${id}`)).body;
      finals.push(final);
      before = {
        done: before.done + final.completed + final.failed + final.cancelled,
        failed: before.failed + final.failed,
      };
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }

  const failures = await writeResults(options, ids);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sum = (key: 'completed' | 'failed' | 'cancelled') => finals.reduce((n, f) => n + f[key], 0);
  const statuses = [...new Set(finals.map((f) => f.status))].join(', ');
  process.stderr.write(
    `${ids.length === 1 ? `batch ${ids[0]}` : `${ids.length} batches`}: ${statuses} in ${seconds} s: ` +
      `${sum('completed')} completed, ${sum('failed')} failed, ${sum('cancelled')} cancelled\n`,
  );
  if (finals.every((f) => f.status === 'completed')) return 0;
  for (const item of failures.slice(0, 5)) {
    process.stderr.write(
      `  item ${item.index}${item.ref !== undefined ? ` (ref ${item.ref})` : ''}: ${item.error?.code}: ${item.error?.message}\n`,
    );
  }
  if (failures.length > 5) process.stderr.write(`  … and ${failures.length - 5} more failed items\n`);
  return 2;
}

/**
 * Writes every result, in input order, as one JSON line each (`index` counts across batches);
 * returns the failed ones.
 */
async function writeResults(options: BatchCommandOptions, ids: string[]): Promise<BatchResultItem[]> {
  const out = options.out ? createWriteStream(options.out) : process.stdout;
  const failures: BatchResultItem[] = [];
  let base = 0;
  for (const id of ids) {
    let offset: number | null = 0;
    let count = 0;
    while (offset !== null) {
      const page: { body: BatchResultsResponse } = await call<BatchResultsResponse>(
        options.url,
        'GET',
        `/v1/batches/${id}/results?offset=${offset}&limit=5000`,
      );
      const lines = page.body.items.map((raw) => {
        const item = { ...raw, index: base + raw.index };
        if (item.status === 'failed') failures.push(item);
        return JSON.stringify(item);
      });
      count += lines.length;
      if (lines.length > 0 && !out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      offset = page.body.next_offset;
    }
    base += count;
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  return failures;
}
