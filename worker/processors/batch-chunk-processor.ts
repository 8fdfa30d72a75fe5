/**
 * Translates one batch chunk (up to 128 distinct texts sharing a shape) with a single provider
 * request (protected and checked when the shape asks: worker/protection/), and writes the results
 * of every item those texts stand for.
 * - Cancelled batches: a chunk that has not started never reaches the provider (atomic claim).
 * - A permanent 400 must not fail the good texts of a chunk: the bad texts are isolated
 *   (provider/translate-isolating.ts).
 * - Transient failures retry the whole chunk in the queue; on the last attempt its items fail and
 *   the batch goes on. Quota answers slow the batch queue down like the sync one.
 */
import type { Job } from 'bullmq';
import { parseJobData } from './job-data.js';
import type { BatchState, BatchStore, StoredResult } from '../../shared/batch-store.js';
import {
  batchChunkJobData,
  type BatchChunkJobData,
  type BatchChunkJobResult,
} from '../../shared/jobs/batch-chunk-job.js';
import { UNKNOWN_FAILURE, encodeItemFailure } from '../../shared/jobs/job-failure.js';
import type { Logger } from '../../shared/logger.js';
import type { FailurePolicy } from './failure-policy.js';
import { classifyProviderError, type ProviderFailure } from '../provider/classify-provider-error.js';
import type { Translator } from '../provider/google-translator.js';
import type { UsageStore } from '../../shared/usage/usage-store.js';
import type { CheckedTranslator } from '../protection/checked-translation.js';

export interface BatchChunkProcessorDeps {
  translator: Translator;
  /** Protects and checks the texts of checked shapes (issue 13), as for sync jobs. */
  checked: CheckedTranslator;
  store: BatchStore;
  logger: Logger;
  /** Requeue, retry or fail after a provider failure; pauses the batch queue on quota answers. */
  failures: FailurePolicy;
  /** Called once, by whichever chunk finished the batch. */
  onFinal: (state: BatchState) => Promise<void>;
  /** The batch owner's usage: the characters billed for a chunk, before it settles. @default none (not counted) */
  usage?: Pick<UsageStore, 'recordBilled'>;
}

export function createBatchChunkProcessor(deps: BatchChunkProcessorDeps) {
  return async function processBatchChunk(job: Job): Promise<BatchChunkJobResult> {
    const data = parseJobData(batchChunkJobData, job, 'chunk job');
    const claim = await deps.store.claimChunk(data.batch_id, data.chunk);
    if (claim === 'skip') return { outcome: claim };
    if (claim === 'done') {
      // A run after the settling one (stall, or enqueueing the webhook failed): make sure the
      // webhook exists; its fixed job id makes this a no-op when it does.
      const state = await deps.store.state(data.batch_id);
      if (state && state.status !== 'running') await deps.onFinal(state);
      return { outcome: claim };
    }

    let outcomes: StoredResult[] = [];
    let billed: number[] = [];
    if (claim === 'go') {
      try {
        ({ outcomes, billed } = await translateChunk(deps, data));
        deps.failures.succeeded();
      } catch (err) {
        const failure = classifyProviderError(err);
        deps.logger.warn(
          { batchId: data.batch_id, chunk: data.chunk, kind: failure.kind, attempt: job.attemptsMade + 1 },
          'batch chunk: provider call failed',
        );
        // Returns only when the chunk fails for good: its items fail, the rest of the batch carries on.
        await deps.failures.onFailure(failure, job);
        outcomes = data.texts.map(() => failed(failure));
      }
    }
    if (claim === 'go') await recordChunkBilled(deps, data, billed);
    // 'abandon' settles with no results: the chunk started before a cancel and is retried after it.
    const results: [number, StoredResult][] = [];
    outcomes.forEach((result, k) => {
      for (const index of data.indexes[k] ?? []) results.push([index, result]);
    });
    const final = await deps.store.settleChunk(data.batch_id, data.chunk, results);
    if (final) {
      const state = await deps.store.state(data.batch_id);
      if (state) await deps.onFinal(state);
    }
    return { outcome: claim };
  };
}

async function translateChunk(
  deps: Pick<BatchChunkProcessorDeps, 'translator' | 'checked'>,
  data: BatchChunkJobData,
): Promise<{ outcomes: StoredResult[]; billed: number[] }> {
  const { batch_id: _batch, chunk: _chunk, indexes: _indexes, ...request } = data;
  const checked = await deps.checked.translate(deps.translator, request);
  const outcomes = checked.map((o): StoredResult =>
    o.ok
      ? {
          t: o.translation.text,
          ...(o.translation.detectedSource ? { d: o.translation.detectedSource } : {}),
          ...(o.translation.qa ? { q: o.translation.qa } : {}),
        }
      : failed(o.failure),
  );
  return { outcomes, billed: checked.map((o) => o.billed) };
}

/**
 * Counts the characters the provider billed for the chunk's texts (`billed`, per text, from the
 * checked translation) for the batch's owner, before the chunk settles (so a finished batch's usage
 * includes all of it). Repeats of a text in the batch are not in the chunk: the API counted them
 * as `cached`.
 */
async function recordChunkBilled(
  deps: BatchChunkProcessorDeps,
  data: BatchChunkJobData,
  billed: readonly number[],
): Promise<void> {
  if (!deps.usage || billed.length === 0) return;
  let owner: string | undefined;
  try {
    owner = await deps.store.owner(data.batch_id);
  } catch (err) {
    // Counting must not fail the chunk: the settle below meets the same Redis and retries if need be.
    deps.logger.warn({ batchId: data.batch_id, err: (err as Error).message }, 'usage not counted');
    return;
  }
  if (owner === undefined) return;
  deps.usage.recordBilled(
    billed,
    billed.map(() => owner),
  );
}

function failed(failure: ProviderFailure): StoredResult {
  return { e: encodeItemFailure(failure) };
}

/**
 * Settles a chunk whose job BullMQ failed for good without the processor settling it (it stalled
 * past `maxStalledCount`, e.g. two worker crashes), so its batch still ends. A no-op for a chunk
 * already settled.
 */
export async function settleAbandonedChunk(
  deps: Pick<BatchChunkProcessorDeps, 'store' | 'onFinal'>,
  jobData: unknown,
): Promise<void> {
  const parsed = batchChunkJobData.safeParse(jobData);
  if (!parsed.success) return;
  const data = parsed.data;
  const error: StoredResult = { e: encodeItemFailure(UNKNOWN_FAILURE) };
  const results: [number, StoredResult][] = data.indexes.flatMap((at) =>
    at.map((i): [number, StoredResult] => [i, error]),
  );
  const final = await deps.store.settleChunk(data.batch_id, data.chunk, results);
  if (final) {
    const state = await deps.store.state(data.batch_id);
    if (state) await deps.onFinal(state);
  }
}
