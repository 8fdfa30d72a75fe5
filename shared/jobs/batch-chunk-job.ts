/**
 * Contract of the `translate-batch` queue. A chunk job is one turn of a batch worker: it carries
 * no chunk; it runs whichever chunk the fair-share queue hands it when it starts
 * (shared/fair-chunk-queue.ts), so different tenants' chunks run in weighted turns however they
 * were queued. The API queues one job per chunk it queues there. Results live in the batch's keys
 * (shared/batch-store.ts), not in the job: its return value only says what the worker did.
 * The API builds chunks through `batchChunkEntry` (validated); the worker validates a chunk it
 * takes again (Redis content is untrusted).
 */
import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { retryingJobOptions } from '../queues.js';
import { MAX_SEGMENTS_PER_REQUEST } from '../provider-request/limits.js';
import { jobProtectionFields, languageCode, requestFormat } from '../schemas.js';

export const BATCH_CHUNK_JOB_NAME = 'chunk';

/**
 * A chunk: distinct texts of one batch sharing a shape (source, target, format, protection
 * settings). `indexes[k]` lists the batch items whose text is `texts[k]` (identical texts are
 * translated once).
 */
export const batchChunk = z
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
export type BatchChunk = z.infer<typeof batchChunk>;

/**
 * Payload of a chunk job: nothing (see above). A job whose data is a whole chunk was queued by an
 * API of an earlier release; the worker still runs that chunk itself.
 */
export const batchChunkJobData = z.strictObject({});
export type BatchChunkJobData = z.infer<typeof batchChunkJobData>;

/**
 * Result: what the worker did with the chunk it ran (shared/batch-store.ts ClaimOutcome):
 * translated it (`go`), skipped it (cancelled before it started), settled it empty (`abandon`:
 * started before a cancel), or found it settled already (`done`); `idle`: no chunk was pending
 * (another job ran it, or every pending chunk needed no work).
 */
export const batchChunkJobResult = z.object({
  outcome: z.enum(['go', 'skip', 'abandon', 'done', 'idle']),
});
export type BatchChunkJobResult = z.infer<typeof batchChunkJobResult>;

/** Transient failures retry in the queue; a completed chunk job is removed at once (nothing to read). */
export function batchChunkJobOptions(config: Config): DefaultJobOptions {
  return {
    ...retryingJobOptions(config, config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS),
    removeOnComplete: true,
  };
}

/** `count` chunk jobs, ready for `queue.addBulk`: one per chunk queued in the fair-share queue. */
export function batchChunkJobs(
  count: number,
): { name: typeof BATCH_CHUNK_JOB_NAME; data: BatchChunkJobData }[] {
  return Array.from({ length: count }, () => ({ name: BATCH_CHUNK_JOB_NAME, data: {} }));
}

/**
 * A chunk as the fair-share queue stores it (JSON; unique, since it names its batch and number).
 * Throws when `data` breaks the contract (a bug).
 */
export function batchChunkEntry(data: BatchChunk): string {
  return JSON.stringify(batchChunk.parse(data));
}

/** A chunk read back from the fair-share queue; undefined when it is malformed. */
export function parseBatchChunkEntry(entry: string): BatchChunk | undefined {
  try {
    const parsed = batchChunk.safeParse(JSON.parse(entry));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
