/**
 * Builds a BullMQ worker for the translate queue. Used by worker/main.ts, `npm start` and tests.
 */
import { hostname } from 'node:os';
import { Queue, Worker } from 'bullmq';
import type { Config } from '../shared/config.js';
import { EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import { emitJobEvents } from './job-events.js';
import { logFailedJobs } from './job-failure-log.js';
import { traceJobs } from './job-tracing.js';
import { recordWorkerMetrics } from './metrics.js';
import { providerId, TranslationCache } from '../shared/translation-cache.js';
import { ProviderBatcher, providerBatcherOptions } from './provider/provider-batcher.js';
import { GoogleTranslator, type Translator } from './provider/google-translator.js';
import { InstrumentedTranslator } from './provider/instrumented-translator.js';
import { FleetQuotaLimiter } from './provider/fleet-quota-limiter.js';
import { FailurePolicy } from './failure-policy.js';
import { QuotaBackoff } from './quota-backoff.js';
import { createTranslateProcessor } from './translate-processor.js';
import { createBatchWorkers, type BatchWorkers } from './create-batch-workers.js';

export interface TranslationWorker {
  worker: Worker;
  /** Batch chunk and webhook workers, sharing this process's Translator. */
  batch: BatchWorkers;
  /** Stops taking jobs, lets jobs in flight finish within SHUTDOWN_GRACE_MS, then disconnects. */
  close(): Promise<void>;
}

export interface CreateWorkerDeps {
  config: Config;
  logger: Logger;
  /** Defaults to the Google client built from config. */
  translator?: Translator;
}

export function createTranslationWorker({ config, logger, translator }: CreateWorkerDeps): TranslationWorker {
  const connection = createRedis(config.REDIS_URL, 'blocking');
  const events = new EventBus();
  recordWorkerMetrics(events);
  logFailedJobs(events, logger, QUEUE_NAMES.translate);
  // One provider chain per process, shared by the sync and the batch consumers:
  // jobs → batcher → metrics → fleet quota limiter → Google.
  const provider = new ProviderBatcher(
    new InstrumentedTranslator(
      new FleetQuotaLimiter(translator ?? new GoogleTranslator(config), connection, config, events),
      { tracing: config.TRACING_ENABLED, events },
    ),
    providerBatcherOptions(config),
  );
  const batch = createBatchWorkers({ config, logger, translator: provider });
  const cache = {
    // On BullMQ's own connection: a job's cache writes and the end of its in-flight marks are sent
    // before the job's completion on the same socket, so Redis applies them first without the job
    // waiting for them (see translate-processor.ts).
    store: new TranslationCache(connection, config.QUEUE_PREFIX, config.CACHE_TTL_S),
    providerId: providerId(config),
  };
  // Quota pauses apply to the whole queue, every worker of the fleet (BullMQ's limiter key).
  const queue = new Queue(QUEUE_NAMES.translate, { connection, prefix: config.QUEUE_PREFIX });
  const processor = createTranslateProcessor({
    translator: provider,
    logger,
    failures: new FailurePolicy({
      rateLimit: (ms) => queue.rateLimit(ms),
      quotaBackoff: new QuotaBackoff(config.PROVIDER_QUOTA_PAUSE_MS),
      maxQuotaRequeues: config.PROVIDER_QUOTA_RETRIES,
    }),
    cache,
    batching: config.PROVIDER_BATCHING,
  });
  const worker = new Worker(QUEUE_NAMES.translate, traceJobs(config.TRACING_ENABLED, processor), {
    connection,
    prefix: config.QUEUE_PREFIX,
    // Recorded on each job as `processedBy`: which process did the work.
    name: `${hostname()}:${process.pid}`,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.LOCK_DURATION_MS,
    stalledInterval: config.STALLED_INTERVAL_MS,
    maxStalledCount: 1,
    // Kept although the quota pause now goes through queue.rateLimit: BullMQ (5.81) only checks the
    // pause (the queue's limiter key) when a job is fetched if the worker has a `limiter` or the
    // queue a global rate limit (moveToActive-11.lua: getRateLimitTTL with maxJobs unset returns 0).
    // This limiter never limits by itself (the fleet quota limiter does that); it makes the pause work.
    limiter: { max: 1_000_000_000, duration: 1000 },
  });
  const w = worker;
  for (const consumer of [w, batch.chunks, batch.webhooks]) emitJobEvents(consumer, events);
  w.on('error', (err) => logger.error({ err: { message: err.message } }, 'worker error'));

  let closing: Promise<void> | undefined;
  return {
    worker: w,
    batch,
    close() {
      closing ??= (async () => {
        const batchClosed = batch.close();
        // worker.close() waits for jobs in flight without a bound of its own.
        const graceful = w.close().then(() => true);
        const timer = new Promise<boolean>((resolve) =>
          setTimeout(resolve, config.SHUTDOWN_GRACE_MS, false).unref(),
        );
        if (!(await Promise.race([graceful, timer]))) {
          logger.warn('shutdown grace period over: closing with jobs in flight (they will be retried)');
          await Promise.race([w.close(true), new Promise((r) => setTimeout(r, 2000).unref())]);
        }
        await batchClosed;
        await Promise.race([queue.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
        connection.disconnect();
      })();
      return closing;
    },
  };
}
