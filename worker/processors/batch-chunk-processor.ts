/**
 * Translates one batch chunk (up to 128 distinct texts sharing a shape) with a single provider
 * request (protected and checked when the shape asks: worker/protection/), and writes the results
 * of every item those texts stand for.
 * - Which chunk: the one whose turn it is when the job starts, taken from the fair-share queue
 *   (shared/fair-chunk-queue.ts), so tenants' batches share the workers by weight.
 * - Cancelled batches: a chunk that has not started never reaches the provider (atomic claim).
 * - A permanent 400 must not fail the good texts of a chunk: the bad texts are isolated
 *   (provider/translate-isolating.ts).
 * - Transient failures retry the whole chunk in the queue; on the last attempt its items fail and
 *   the batch goes on. Quota answers slow the batch queue down like the sync one.
 */
import type { Job, Queue } from 'bullmq';
import { parseJobData } from './job-data.js';
import type { BatchState, BatchStore, ClaimOutcome, StoredResult } from '../../shared/batch-store.js';
import type { FairChunkQueue } from '../../shared/fair-chunk-queue.js';
import {
  batchChunk,
  batchChunkJobData,
  batchChunkJobs,
  type BatchChunk,
  type BatchChunkJobResult,
} from '../../shared/jobs/batch-chunk-job.js';
import { UNKNOWN_FAILURE, encodeItemFailure } from '../../shared/jobs/job-failure.js';
import type { Logger } from '../../shared/logger.js';
import type { FailurePolicy } from './failure-policy.js';
import { classifyProviderError, type ProviderFailure } from '../provider/classify-provider-error.js';
import type { Translator } from '../provider/google-translator.js';
import type { UsageStore } from '../../shared/usage/usage-store.js';
import type { CheckedTranslator } from '../protection/checked-translation.js';

/**
 * Chunks needing no work that one job passes over before it stops (a cancelled 10,000-item batch
 * leaves about 80): it keeps each run short; the chunks left go to the next jobs.
 */
const MAX_TAKES_PER_RUN = 1000;

export interface BatchChunkProcessorDeps {
  translator: Translator;
  /** Protects and checks the texts of checked shapes (issue 13), as for sync jobs. */
  checked: CheckedTranslator;
  store: BatchStore;
  /** Where a chunk job takes the chunk it runs. */
  chunks: FairChunkQueue;
  /** The chunk jobs' queue: jobs are added there when chunks wait without one. */
  jobs: Pick<Queue, 'getJobCounts' | 'addBulk'>;
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
    // Queued by an API of an earlier release: the job carries its chunk and runs it.
    const own = batchChunk.safeParse(job.data);
    if (own.success) return { outcome: await runChunk(deps, job, own.data) };
    parseJobData(batchChunkJobData, job, 'chunk job');
    const result = await runTurn(deps, job);
    // Checked while this job still holds its chunk: see addMissingJobs.
    await addMissingJobs(deps, result.outcome === 'idle' ? 'empty' : 'holding');
    if (result.outcome !== 'idle') await deps.chunks.release(job.id!);
    return result;
  };
}

/**
 * One turn: the chunk the job holds or whose turn it is, passing over chunks that need no work.
 * The job still holds the chunk it ran (the caller releases it), unless it found none (`idle`).
 */
async function runTurn(deps: BatchChunkProcessorDeps, job: Job): Promise<BatchChunkJobResult> {
  const jobId = job.id!;
  for (let take = 0; take < MAX_TAKES_PER_RUN; take++) {
    const chunk = await deps.chunks.take(jobId, take > 0);
    if (chunk === undefined) return { outcome: 'idle' };
    if (chunk === 'malformed') {
      deps.logger.warn({ jobId }, 'batch chunk: a malformed chunk in the fair-share queue was dropped');
      continue;
    }
    const outcome = await runChunk(deps, job, chunk);
    // A chunk that needed no work costs no turn (shared/fair-chunk-queue.ts): take the next.
    if (outcome !== 'skip' && outcome !== 'done') return { outcome };
  }
  return { outcome: 'skip' };
}

/**
 * Adds chunk jobs for chunks no job will take (shared/fair-chunk-queue.ts: an API died between
 * queueing a batch's chunks and their jobs, and other batches' jobs ran them), so no chunk waits
 * for a job that will never come. Called as a chunk job ends and every few seconds
 * (worker/create-batch-workers.ts). Jobs yet to take a chunk are the running or delayed ones that
 * hold none; chunks an API is still adding jobs for are not jobless. A job checks before it
 * releases its chunk, so jobs ending together never count each other as takers: the first of
 * them to check sees the others still holding theirs. Checked only when no job waits: until then
 * a later job checks. A job too many finds nothing. Not fatal: the next check tries again.
 *
 * @param self the calling chunk job: `holding` its chunk, or `empty` (it found none); undefined
 *   when not called by a job.
 */
export async function addMissingJobs(
  deps: Pick<BatchChunkProcessorDeps, 'chunks' | 'jobs' | 'logger'>,
  self?: 'holding' | 'empty',
): Promise<void> {
  try {
    const jobs = await deps.jobs.getJobCounts('wait', 'paused', 'prioritized', 'active', 'delayed');
    if ((jobs.wait ?? 0) + (jobs.paused ?? 0) + (jobs.prioritized ?? 0) > 0) return;
    const { pending, held, queuing } = await deps.chunks.counts();
    // A calling job that holds nothing is running but takes nothing more.
    const running = (jobs.active ?? 0) + (jobs.delayed ?? 0) - (self === 'empty' ? 1 : 0);
    const missing = pending - queuing - Math.max(0, running - held);
    if (missing <= 0) return;
    await deps.jobs.addBulk(batchChunkJobs(missing));
    deps.logger.warn({ chunks: missing }, 'batch chunk: chunks were waiting without a job; jobs added');
  } catch (err) {
    deps.logger.warn({ err: { message: (err as Error).message } }, 'batch chunk: could not count chunk jobs');
  }
}

/** Claims, translates and settles one chunk; what the claim said. */
async function runChunk(deps: BatchChunkProcessorDeps, job: Job, data: BatchChunk): Promise<ClaimOutcome> {
  const claim = await deps.store.claimChunk(data.batch_id, data.chunk);
  if (claim === 'skip') return claim;
  if (claim === 'done') {
    // A run after the settling one (stall, or enqueueing the webhook failed): make sure the
    // webhook exists; its fixed job id makes this a no-op when it does.
    const state = await deps.store.state(data.batch_id);
    if (state && state.status !== 'running') await deps.onFinal(state);
    return claim;
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
  return claim;
}

async function translateChunk(
  deps: Pick<BatchChunkProcessorDeps, 'translator' | 'checked'>,
  data: BatchChunk,
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
  data: BatchChunk,
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
 * Settles the chunk of a job BullMQ failed for good without the processor settling it (it stalled
 * past `maxStalledCount`, e.g. two worker crashes), so its batch still ends: the chunk the job
 * held in the fair-share queue, or the one it carries (queued by an earlier release). A no-op for
 * a chunk already settled, or a job that held none.
 */
export async function settleAbandonedChunk(
  deps: Pick<BatchChunkProcessorDeps, 'store' | 'onFinal' | 'chunks'>,
  job: Pick<Job, 'id' | 'data'>,
): Promise<void> {
  const own = batchChunk.safeParse(job.data);
  const data = own.success ? own.data : job.id ? await deps.chunks.held(job.id) : undefined;
  if (data) {
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
  if (!own.success && job.id) await deps.chunks.release(job.id);
}
