/**
 * Contract of the `translate-batch` queue: one chunk of a batch per job. Results live in the
 * batch's keys (shared/batch-store.ts), not in the job: its return value only says what the
 * worker did with the chunk. The API builds chunk jobs through `batchChunkJob` (validated); the
 * worker validates `job.data` again (Redis content is untrusted).
 */
import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { retryingJobOptions } from '../queues.js';
import { MAX_SEGMENTS_PER_REQUEST } from '../provider-request/limits.js';
import { jobProtectionFields, languageCode, requestFormat } from '../schemas.js';

export const BATCH_CHUNK_JOB_NAME = 'chunk';

/**
 * Payload: distinct texts sharing a shape (source, target, format, protection settings). `indexes[k]` lists the batch items
 * whose text is `texts[k]` (identical texts are translated once).
 */
export const batchChunkJobData = z
  .object({
    batch_id: z.string().min(1),
    chunk: z.number().int().min(0),
    target: languageCode,
    source: languageCode.optional(),
    format: requestFormat,
    /** Text protection (issue 13), as in a sync job. */
    ...jobProtectionFields,
    texts: z.array(z.string().min(1)).min(1).max(MAX_SEGMENTS_PER_REQUEST),
    indexes: z
      .array(z.array(z.number().int().min(0)).min(1))
      .min(1)
      .max(MAX_SEGMENTS_PER_REQUEST),
  })
  .refine((data) => data.indexes.length === data.texts.length, {
    message: 'indexes must list the items of every text',
    path: ['indexes'],
  });
export type BatchChunkJobData = z.infer<typeof batchChunkJobData>;

/**
 * Result: what the worker did with the chunk (shared/batch-store.ts ClaimOutcome): translated it
 * (`go`), skipped it (cancelled before it started), settled it empty (`abandon`: started before a
 * cancel), or found it settled already (`done`).
 */
export const batchChunkJobResult = z.object({ outcome: z.enum(['go', 'skip', 'abandon', 'done']) });
export type BatchChunkJobResult = z.infer<typeof batchChunkJobResult>;

/** Transient failures retry in the queue; a completed chunk job is removed at once (nothing to read). */
export function batchChunkJobOptions(config: Config): DefaultJobOptions {
  return {
    ...retryingJobOptions(config, config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS),
    removeOnComplete: true,
  };
}

/** A chunk job ready for `queue.addBulk`. Throws when `data` breaks the contract (a bug). */
export function batchChunkJob(data: BatchChunkJobData): {
  name: typeof BATCH_CHUNK_JOB_NAME;
  data: BatchChunkJobData;
} {
  return { name: BATCH_CHUNK_JOB_NAME, data: batchChunkJobData.parse(data) };
}
