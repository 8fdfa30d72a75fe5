/**
 * Queue names, and the retry and retention options every queue's jobs share. What each queue's
 * jobs carry and return, their job names and options: shared/jobs/ (one contract per queue).
 * Terminology: a *job* of the `translate` queue carries up to 128 texts of one or more sync
 * requests sharing target, source and format (each request is one item of it); a *provider
 * request* is one HTTP call to Google, which may carry the texts of several jobs (see worker/).
 */
import type { DefaultJobOptions } from 'bullmq';
import type { Config } from './config.js';

export const QUEUE_NAMES = {
  /** Interactive (sync) translation jobs (shared/jobs/translate-job.ts). */
  translate: 'translate',
  /** Batch chunk jobs: up to 128 distinct texts of one batch each (shared/jobs/batch-chunk-job.ts). */
  translateBatch: 'translate-batch',
  /** Webhook deliveries of finished batches (shared/jobs/batch-webhook-job.ts). */
  batchWebhook: 'batch-webhook',
  /** Provider calls for waiting clients that are not translations: detect, languages (shared/jobs/provider-info-job.ts). */
  providerInfo: 'provider-info',
} as const;

/**
 * Retries with exponential backoff and jitter; finished jobs are kept for RESULT_TTL_S. A count cap
 * applies only when RESULT_MAX_COUNT is set: any cap cuts the lifetime short once
 * RESULT_TTL_S × jobs per second exceeds it (at a few hundred jobs per second, 100,000 jobs are
 * gone within minutes and a client polling its 202 later gets 404), so it is off by default.
 */
export function retryingJobOptions(config: Config, attempts: number, backoffMs: number): DefaultJobOptions {
  const keep = {
    age: config.RESULT_TTL_S,
    ...(config.RESULT_MAX_COUNT > 0 ? { count: config.RESULT_MAX_COUNT } : {}),
  };
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}
