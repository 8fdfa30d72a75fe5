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

/** Job options for translate jobs: retries belong to the queue (the Google client's own are off). */
export function translateJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.JOB_BACKOFF_MS, jitter: 0.5 },
    // Results are kept for RESULT_TTL_S, bounded in count too, so Redis never grows without bound.
    removeOnComplete: { age: config.RESULT_TTL_S, count: config.RESULT_MAX_COUNT },
    removeOnFail: { age: config.RESULT_TTL_S, count: config.RESULT_MAX_COUNT },
  };
}
