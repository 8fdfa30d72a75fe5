/**
 * Job payloads and options of the batch queues (`translate-batch`, `batch-webhook`). The worker
 * validates job data again with these schemas: Redis content is untrusted.
 */
import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from './config.js';
import { MAX_SEGMENTS_PER_REQUEST } from './provider-request/limits.js';
import { retryingJobOptions } from './queues.js';
import { languageCode, textFormat } from './schemas.js';

/**
 * One chunk: distinct texts sharing source, target and format. `indexes[k]` lists the batch items
 * whose text is `texts[k]` (identical texts are translated once).
 */
export const batchChunkJobData = z.object({
  batch_id: z.string().min(1),
  chunk: z.number().int().min(0),
  target: languageCode,
  source: languageCode.optional(),
  format: textFormat,
  texts: z.array(z.string().min(1)).min(1).max(MAX_SEGMENTS_PER_REQUEST),
  indexes: z
    .array(z.array(z.number().int().min(0)).min(1))
    .min(1)
    .max(MAX_SEGMENTS_PER_REQUEST),
});
export type BatchChunkJobData = z.infer<typeof batchChunkJobData>;

export const batchWebhookJobData = z.object({
  batch_id: z.string().min(1),
  url: z.string().url(),
});
export type BatchWebhookJobData = z.infer<typeof batchWebhookJobData>;

export const BATCH_JOB_NAMES = { chunk: 'chunk', webhook: 'webhook' } as const;

/** Chunk jobs: transient failures retry in the queue; results live in the batch's keys, not in the job. */
export function batchChunkJobOptions(config: Config): DefaultJobOptions {
  return {
    ...retryingJobOptions(config, config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS),
    removeOnComplete: true,
  };
}

export function batchWebhookJobOptions(config: Config): DefaultJobOptions {
  return retryingJobOptions(config, config.WEBHOOK_ATTEMPTS, config.WEBHOOK_BACKOFF_MS);
}
