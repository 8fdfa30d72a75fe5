/**
 * Queue names, job names and the job options both sides agree on.
 * Terminology: a *job* is one text into one target language; a *provider request* is one HTTP
 * call to Google, which may carry many jobs' texts (see worker/).
 */
import type { DefaultJobOptions } from 'bullmq';
import type { Config } from './config.js';

export const QUEUE_NAMES = {
  /** Interactive (sync) translation jobs. */
  translate: 'translate',
  /** Batch chunk jobs: up to 128 distinct texts of one batch each (shared/batch-jobs.ts). */
  translateBatch: 'translate-batch',
  /** Webhook deliveries of finished batches. */
  batchWebhook: 'batch-webhook',
} as const;

export const JOB_NAMES = {
  translate: 'translate',
} as const;

/**
 * Retries with exponential backoff and jitter; finished jobs are kept for RESULT_TTL_S, bounded in
 * count too, so Redis never grows without bound.
 */
export function retryingJobOptions(config: Config, attempts: number, backoffMs: number): DefaultJobOptions {
  const keep = { age: config.RESULT_TTL_S, count: config.RESULT_MAX_COUNT };
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}

/** Job options for translate jobs: retries belong to the queue (the Google client's own are off). */
export function translateJobOptions(config: Config): DefaultJobOptions {
  return retryingJobOptions(config, config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS);
}
