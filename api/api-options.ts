/**
 * The API's settings compiled once from `Config` (graphile/worker's CompiledSharedOptions is the
 * model): each component receives the small part it needs, not the whole configuration.
 */
import type { DefaultJobOptions } from 'bullmq';
import { batchChunkJobOptions } from '../shared/jobs/batch-chunk-job.js';
import { batchWebhookJobOptions } from '../shared/jobs/batch-webhook-job.js';
import type { Config } from '../shared/config.js';
import { translateJobOptions } from '../shared/jobs/translate-job.js';
import { providerId } from '../shared/translation-cache.js';
import type { AppOptions } from './app.js';
import type { BatchServiceOptions } from './batches/batch-service.js';
import { providerInfoJobOptions } from '../shared/jobs/provider-info-job.js';
import type { LanguageServiceOptions } from './sync/language-service.js';

export interface ApiOptions {
  redisUrl: string;
  /** Every key this process writes starts with it (QUEUE_PREFIX). */
  prefix: string;
  /** Default listen address (PORT, HOST). */
  port: number;
  host: string;
  /** How long open waits get to complete at shutdown before they are answered 202 (API_DRAIN_MS). */
  drainMs: number;
  /** QUEUE_METRICS_INTERVAL_MS. */
  queueMetricsIntervalMs: number;
  /** The queue dashboard's credentials; absent when ADMIN_TOKEN is not set (no dashboard). */
  admin?: { user: string; token: string };
  translateJobOptions: DefaultJobOptions;
  cache: { ttlS: number; providerId: string; scope: Config['CACHE_SCOPE'] };
  packing: { enabled: boolean; maxChars: number };
  dailyChars: number;
  maxOpenWaits: number;
  tracing: boolean;
  app: AppOptions;
  batches: BatchServiceOptions;
  languages: LanguageServiceOptions;
}

export function compileApiOptions(config: Config): ApiOptions {
  return {
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    port: config.PORT,
    host: config.HOST,
    drainMs: config.API_DRAIN_MS,
    queueMetricsIntervalMs: config.QUEUE_METRICS_INTERVAL_MS,
    ...(config.ADMIN_TOKEN ? { admin: { user: config.ADMIN_USER, token: config.ADMIN_TOKEN } } : {}),
    translateJobOptions: translateJobOptions(config),
    cache: { ttlS: config.CACHE_TTL_S, providerId: providerId(config), scope: config.CACHE_SCOPE },
    packing: { enabled: config.PROVIDER_BATCHING, maxChars: config.PROVIDER_BATCH_MAX_CHARS },
    dailyChars: config.DAILY_CHAR_BUDGET,
    maxOpenWaits: config.MAX_OPEN_WAITS,
    tracing: config.TRACING_ENABLED,
    app: {
      trustProxy: config.TRUST_PROXY,
      tracing: config.TRACING_ENABLED,
      tenants: config.TENANTS,
      prefix: config.QUEUE_PREFIX,
      rateLimitPerMin: config.RATE_LIMIT_PER_MIN,
      maxQueueDepth: config.MAX_QUEUE_DEPTH,
      maxBatchBacklog: config.MAX_BATCH_BACKLOG,
      translate: {
        maxTextChars: config.MAX_TEXT_CHARS,
        maxBodyBytes: config.MAX_BODY_BYTES,
        syncWaitMs: config.SYNC_WAIT_MS,
        syncWaitMaxMs: config.SYNC_WAIT_MAX_MS,
      },
      batches: {
        maxBodyBytes: config.MAX_BATCH_BODY_BYTES,
        syncWaitMaxMs: config.SYNC_WAIT_MAX_MS,
      },
      languages: { maxTextChars: config.MAX_TEXT_CHARS, maxBodyBytes: config.MAX_BODY_BYTES },
      metrics: { token: config.METRICS_TOKEN },
      docs: config,
    },
    batches: {
      prefix: config.QUEUE_PREFIX,
      resultTtlS: config.RESULT_TTL_S,
      chunkMaxChars: config.BATCH_CHUNK_MAX_CHARS,
      limits: { MAX_BATCH_ITEMS: config.MAX_BATCH_ITEMS, MAX_TEXT_CHARS: config.MAX_TEXT_CHARS },
      webhooks: { secret: config.WEBHOOK_SECRET, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE },
      chunkJobOptions: batchChunkJobOptions(config),
      webhookJobOptions: batchWebhookJobOptions(config),
      eventsIntervalMs: config.BATCH_EVENTS_INTERVAL_MS,
      eventStreams: { perProcess: config.MAX_EVENT_STREAMS, perClient: config.MAX_EVENT_STREAMS_PER_KEY },
    },
    languages: {
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      providerId: providerId(config),
      waitMs: config.SYNC_WAIT_MS,
      jobOptions: providerInfoJobOptions(config),
      tracing: config.TRACING_ENABLED,
    },
  };
}
