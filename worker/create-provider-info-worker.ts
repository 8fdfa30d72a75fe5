/**
 * The `provider-info` side of a worker process: a BullMQ worker for detect and languages jobs
 * (shared/jobs/provider-info-job.ts), on the process's provider limits. It shares the connection
 * of the translate worker; its release is registered by the caller with the process's other workers.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { LanguageListCache } from '../shared/language-list-cache.js';
import type { Logger } from '../shared/logger.js';
import { packLimits } from '../shared/provider-request/limits.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import type { ReleaseRegistry } from '../shared/release-registry.js';
import { traceJobs } from './job-tracing.js';
import { FailurePolicy } from './processors/failure-policy.js';
import { createProviderInfoProcessor } from './processors/provider-info-processor.js';
import { QuotaBackoff } from './processors/quota-backoff.js';
import type { LanguageProvider } from './provider/google-translator.js';
import type { ConsumerOptions } from './worker-options.js';

/**
 * Jobs in flight per process. Each is one or a few provider calls, already bounded by
 * PROVIDER_CONCURRENCY; this only keeps a burst of detections from holding hundreds of job locks.
 */
const PROVIDER_INFO_CONCURRENCY = 64;

export interface ProviderInfoWorkerOptions {
  consumer: ConsumerOptions;
  /** Provider identity of cached language lists (shared/translation-cache.ts `providerId`). */
  providerId: string;
  /** Characters per detect provider request (PROVIDER_BATCH_MAX_CHARS). */
  maxChars: number;
  /** TRACING_ENABLED: a span per job, child of the request's. */
  tracing: boolean;
}

export function createProviderInfoWorker(deps: {
  options: ProviderInfoWorkerOptions;
  /** BullMQ's connection for this worker: the language list cache is written on it too. */
  connection: Redis;
  logger: Logger;
  provider: LanguageProvider;
  releasers: ReleaseRegistry;
}): Worker {
  const { options, connection, logger, releasers } = deps;
  const { consumer } = options;
  // Quota pauses apply to the whole queue, every worker of the fleet (BullMQ's limiter key).
  const queue = new Queue(QUEUE_NAMES.providerInfo, { connection, prefix: consumer.prefix });
  releasers.add('provider-info queue (rate limit)', () => queue.close());
  const processor = createProviderInfoProcessor({
    provider: deps.provider,
    logger,
    failures: new FailurePolicy({
      rateLimit: (ms) => queue.rateLimit(ms),
      quotaBackoff: new QuotaBackoff(consumer.quotaPauseMs),
      maxQuotaRequeues: consumer.quotaRetries,
    }),
    languages: new LanguageListCache(connection, consumer.prefix, options.providerId),
    packLimits: packLimits(options.maxChars),
  });
  const worker = new Worker(QUEUE_NAMES.providerInfo, traceJobs(options.tracing, processor), {
    connection,
    prefix: consumer.prefix,
    concurrency: PROVIDER_INFO_CONCURRENCY,
    lockDuration: consumer.lockDurationMs,
    stalledInterval: consumer.stalledIntervalMs,
    maxStalledCount: 1,
    // As on the translate worker: without a limiter BullMQ does not check the queue's pause (set
    // by queue.rateLimit after a quota answer) when it fetches a job. It never limits by itself.
    limiter: { max: 1_000_000_000, duration: 1000 },
  });
  worker.on('error', (err) => logger.error({ err: { message: err.message } }, 'provider-info worker error'));
  return worker;
}
