/**
 * Contract of the `batch-webhook` queue: one delivery of a finished batch's status to its
 * callback URL. Built through `batchWebhookJob` (validated, with a fixed job id so a batch gets one
 * delivery job however many callers race to enqueue it); the worker validates `job.data` again.
 */
import type { DefaultJobOptions, JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { retryingJobOptions } from '../queues.js';

export const BATCH_WEBHOOK_JOB_NAME = 'webhook';

export const batchWebhookJobData = z.object({
  batch_id: z.string().min(1),
  url: z.string().url(),
  /**
   * The key (tenant) whose batch this is: its own webhook secret signs the delivery when it has
   * one, WEBHOOK_SECRET otherwise. Absent for batches created before they recorded their owner.
   */
  owner: z.string().min(1).optional(),
});
export type BatchWebhookJobData = z.infer<typeof batchWebhookJobData>;

/** Result: the receiver's 2xx status, or why nothing was sent (the batch expired). */
export const batchWebhookJobResult = z.union([
  z.object({ status: z.number().int() }),
  z.object({ skipped: z.string() }),
]);
export type BatchWebhookJobResult = z.infer<typeof batchWebhookJobResult>;

/** Deliveries retry with backoff while the receiver fails (WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS). */
export function batchWebhookJobOptions(config: Config): DefaultJobOptions {
  return retryingJobOptions(config, config.WEBHOOK_ATTEMPTS, config.WEBHOOK_BACKOFF_MS);
}

/** A webhook job ready for `queue.add(job.name, job.data, job.opts)`. Throws when `data` breaks the contract. */
export function batchWebhookJob(data: BatchWebhookJobData): {
  name: typeof BATCH_WEBHOOK_JOB_NAME;
  data: BatchWebhookJobData;
  opts: JobsOptions;
} {
  return {
    name: BATCH_WEBHOOK_JOB_NAME,
    data: batchWebhookJobData.parse(data),
    opts: { jobId: batchWebhookDeliveryId(data.batch_id) },
  };
}

/**
 * A batch's one delivery: its job id, and its `webhook-id`, so every attempt carries the same id
 * and a receiver that saw it already can drop the repeat.
 */
export function batchWebhookDeliveryId(batchId: string): string {
  return `webhook-${batchId}`;
}
