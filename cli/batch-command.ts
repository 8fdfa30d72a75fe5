/**
 * `cli batch <file> --to en,ja [--from ko] [--out results.jsonl]`: submits the file as one batch,
 * shows a progress bar (rate, ETA) following the batch's SSE stream, writes the results in input
 * order as JSONL, and exits non-zero when any item failed. Ctrl-C cancels the batch.
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
import { followEvents } from './sse-client.js';

export interface BatchCommandOptions {
  file: string;
  url: string;
  to: string[];
  from?: string;
  format?: string;
  out?: string;
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
      ...((item.format ?? options.format) ? { format: item.format ?? options.format } : {}),
      ...(item.ref !== undefined ? { ref: item.ref } : {}),
    }));
  });

  const accepted = await call<BatchAcceptedResponse>(options.url, 'POST', '/v1/batches', { items });
  const id = accepted.body.batch_id;
  process.stderr.write(`batch ${id}: ${accepted.body.total} items\n`);

  const abort = new AbortController();
  let cancelling = false;
  const onSigint = () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    process.stderr.write('\ncancelling the batch (Ctrl-C again to leave at once)…\n');
    void call(options.url, 'DELETE', `/v1/batches/${id}`).catch(() => undefined);
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
  bar?.start(accepted.body.total, 0, { rate: '0', failed: 0 });
  let final: BatchStatusResponse | undefined;
  try {
    for await (const event of followEvents(`${options.url}/v1/batches/${id}/events`, {
      signal: abort.signal,
    })) {
      const data = JSON.parse(event.data) as { completed: number; failed: number };
      const done = data.completed + data.failed + ((data as Partial<BatchStatusResponse>).cancelled ?? 0);
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      bar?.update(done, { rate: rate.toFixed(0), failed: data.failed });
      if (event.event === 'done') final = data as BatchStatusResponse;
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
  final ??= (await call<BatchStatusResponse>(options.url, 'GET', `/v1/batches/${id}`)).body;

  const failures = await writeResults(options, id);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `batch ${id}: ${final.status} in ${seconds} s: ${final.completed} completed, ${final.failed} failed, ${final.cancelled} cancelled\n`,
  );
  if (final.status === 'completed') return 0;
  for (const item of failures.slice(0, 5)) {
    process.stderr.write(
      `  item ${item.index}${item.ref !== undefined ? ` (ref ${item.ref})` : ''}: ${item.error?.code}: ${item.error?.message}\n`,
    );
  }
  if (failures.length > 5) process.stderr.write(`  … and ${failures.length - 5} more failed items\n`);
  return 2;
}

/** Writes every result, in input order, as one JSON line each; returns the failed ones. */
async function writeResults(options: BatchCommandOptions, id: string): Promise<BatchResultItem[]> {
  const out = options.out ? createWriteStream(options.out) : process.stdout;
  const failures: BatchResultItem[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: { body: BatchResultsResponse } = await call<BatchResultsResponse>(
      options.url,
      'GET',
      `/v1/batches/${id}/results?offset=${offset}&limit=5000`,
    );
    const lines = page.body.items.map((item) => {
      if (item.status === 'failed') failures.push(item);
      return JSON.stringify(item);
    });
    if (lines.length > 0 && !out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
    offset = page.body.next_offset;
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  return failures;
}
