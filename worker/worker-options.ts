/**
 * A worker process's settings compiled once from `Config` (graphile/worker's CompiledSharedOptions
 * is the model): each consumer receives the small part it needs, not the whole configuration.
 */
import type { Config } from '../shared/config.js';
import { createWebhookSigner } from '../shared/batch-webhook.js';
import { batchWebhookJobOptions } from '../shared/jobs/batch-webhook-job.js';
import { batchChunkJobOptions } from '../shared/jobs/batch-chunk-job.js';
import { parseWebhookSecret } from '../shared/webhook-secret.js';
import { providerId } from '../shared/translation-cache.js';
import type { BatchWorkerOptions } from './create-batch-workers.js';
import type { ProviderInfoWorkerOptions } from './create-provider-info-worker.js';

/** What every BullMQ worker of the process shares. */
export interface ConsumerOptions {
  redisUrl: string;
  /** QUEUE_PREFIX. */
  prefix: string;
  /** LOCK_DURATION_MS and STALLED_INTERVAL_MS: how soon a dead worker's job is taken over. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How long jobs in flight get to finish at shutdown before they are left to be retried (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
  /** Quota pause and how often a job may be put back for quota (PROVIDER_QUOTA_PAUSE_MS, PROVIDER_QUOTA_RETRIES). */
  quotaPauseMs: number;
  quotaRetries: number;
}

export interface WorkerOptions {
  consumer: ConsumerOptions;
  /** Jobs of the translate queue in flight (WORKER_CONCURRENCY). */
  concurrency: number;
  /** The API packs requests into jobs, and the worker batches provider calls (PROVIDER_BATCHING). */
  batching: boolean;
  cache: { ttlS: number; providerId: string };
  tracing: boolean;
  batch: BatchWorkerOptions;
  providerInfo: ProviderInfoWorkerOptions;
}

export function compileWorkerOptions(config: Config): WorkerOptions {
  const consumer: ConsumerOptions = {
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    lockDurationMs: config.LOCK_DURATION_MS,
    stalledIntervalMs: config.STALLED_INTERVAL_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    quotaPauseMs: config.PROVIDER_QUOTA_PAUSE_MS,
    quotaRetries: config.PROVIDER_QUOTA_RETRIES,
  };
  return {
    consumer,
    concurrency: config.WORKER_CONCURRENCY,
    batching: config.PROVIDER_BATCHING,
    cache: { ttlS: config.CACHE_TTL_S, providerId: providerId(config) },
    tracing: config.TRACING_ENABLED,
    batch: {
      consumer,
      concurrency: config.BATCH_WORKER_CONCURRENCY,
      resultTtlS: config.RESULT_TTL_S,
      chunkJobOptions: batchChunkJobOptions(config),
      webhookJobOptions: batchWebhookJobOptions(config),
      webhooks: {
        signer: config.WEBHOOK_SECRET
          ? createWebhookSigner(parseWebhookSecret(config.WEBHOOK_SECRET))
          : undefined,
        // Per-key webhook secrets (API_KEYS_FILE's webhook_secret), by key name: the worker reads the
        // same API_KEYS_FILE as the API to sign a key's deliveries with its own secret.
        ownerSigners: new Map(
          config.TENANTS.flatMap((t) =>
            t.webhookSecret
              ? [[t.name, createWebhookSigner(parseWebhookSecret(t.webhookSecret, false))] as const]
              : [],
          ),
        ),
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      },
    },
    providerInfo: {
      consumer,
      providerId: providerId(config),
      maxChars: config.PROVIDER_BATCH_MAX_CHARS,
      tracing: config.TRACING_ENABLED,
    },
  };
}
