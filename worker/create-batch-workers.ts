/**
 * The batch side of a worker process: a BullMQ worker on `translate-batch` (chunk jobs, its own
 * concurrency, so interactive jobs on `translate` keep theirs) and one on `batch-webhook`. Both use
 * the process's shared Translator chain, so every provider limit of the process applies to them.
 */
import { Queue, Worker, type DefaultJobOptions } from 'bullmq';
import { BatchStore, type BatchState } from '../shared/batch-store.js';
import { enqueueWebhook } from '../shared/batch-webhook.js';
import { FairChunkQueue } from '../shared/fair-chunk-queue.js';
import type { Logger } from '../shared/logger.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import type { ReleaseRegistry } from '../shared/release-registry.js';
import type { EventBus } from '../shared/events.js';
import { UsageStore } from '../shared/usage/usage-store.js';
import { failedForGood } from './job-events.js';
import {
  addMissingJobs,
  createBatchChunkProcessor,
  settleAbandonedChunk,
} from './processors/batch-chunk-processor.js';
import { createWebhookProcessor, type WebhookDeliveryOptions } from './processors/deliver-webhook.js';
import type { Translator } from './provider/google-translator.js';
import type { CheckedTranslator } from './protection/checked-translation.js';
import { FailurePolicy } from './processors/failure-policy.js';
import { QuotaBackoff } from './processors/quota-backoff.js';
import type { ConsumerOptions } from './worker-options.js';

/**
 * How often a worker looks for batch chunks without a chunk job, besides as each chunk job ends:
 * chunks of an API that died between queueing them and adding their jobs count once its mark
 * expires, maybe after every job has ended (shared/fair-chunk-queue.ts).
 */
const JOBLESS_CHUNKS_CHECK_MS = 10_000;

/** Webhook deliveries in flight per process: they wait on other people's servers. */
const WEBHOOK_CONCURRENCY = 10;

/** The batch consumers' settings, compiled from Config by worker-options.ts. */
export interface BatchWorkerOptions {
  consumer: ConsumerOptions;
  /** Chunk jobs in flight (BATCH_WORKER_CONCURRENCY). */
  concurrency: number;
  /** How long a batch and its results are kept (RESULT_TTL_S). */
  resultTtlS: number;
  /** Options of the chunk jobs a worker adds when chunks wait without one (see processBatchChunk). */
  chunkJobOptions: DefaultJobOptions;
  webhookJobOptions: DefaultJobOptions;
  webhooks: WebhookDeliveryOptions;
}

/** The batch consumers; their release is registered by the caller, with the process's other workers. */
export interface BatchWorkers {
  chunks: Worker;
  webhooks: Worker;
  store: BatchStore;
}

export function createBatchWorkers(deps: {
  options: BatchWorkerOptions;
  logger: Logger;
  translator: Translator;
  /** Text protection, shared with the sync consumer. */
  checked: CheckedTranslator;
  releasers: ReleaseRegistry;
  /** Where billed characters are reported (`usage:counted`). @default none (nothing emitted) */
  events?: EventBus;
}): BatchWorkers {
  const { options, logger, translator, checked, releasers, events } = deps;
  const { consumer } = options;
  const connection = createRedis(consumer.redisUrl, 'blocking');
  releasers.add('redis (batch)', () => connection.disconnect());
  connection.on('error', (err) => logger.debug({ err: err.message }, 'redis (batch) error'));
  const store = new BatchStore(connection, consumer.prefix, options.resultTtlS);
  const fairChunks = new FairChunkQueue(connection, consumer.prefix);
  const webhookQueue = new Queue(QUEUE_NAMES.batchWebhook, {
    connection,
    prefix: consumer.prefix,
    defaultJobOptions: options.webhookJobOptions,
  });
  releasers.add('webhook queue', () => webhookQueue.close());
  const common = {
    connection,
    prefix: consumer.prefix,
    lockDuration: consumer.lockDurationMs,
    stalledInterval: consumer.stalledIntervalMs,
    maxStalledCount: 1,
  };
  // Quota pauses apply to the whole batch queue, every worker of the fleet (BullMQ's limiter key).
  const chunkQueue = new Queue(QUEUE_NAMES.translateBatch, {
    connection,
    prefix: consumer.prefix,
    defaultJobOptions: options.chunkJobOptions,
  });
  releasers.add('batch queue (rate limit)', () => chunkQueue.close());
  const onFinal = async (state: BatchState) => {
    logger.info({ batchId: state.id, status: state.status }, 'batch finished');
    await enqueueWebhook(webhookQueue, state);
  };
  const processor = createBatchChunkProcessor({
    translator,
    checked,
    store,
    chunks: fairChunks,
    jobs: chunkQueue,
    logger,
    failures: new FailurePolicy({
      rateLimit: (ms) => chunkQueue.rateLimit(ms),
      quotaBackoff: new QuotaBackoff(consumer.quotaPauseMs),
      maxQuotaRequeues: consumer.quotaRetries,
    }),
    onFinal,
    // On the chunks' connection: a chunk's billed characters are sent before it settles.
    usage: new UsageStore(connection, { prefix: consumer.prefix, logger, ...(events ? { events } : {}) }),
  });
  const chunks = new Worker(QUEUE_NAMES.translateBatch, processor, {
    ...common,
    concurrency: options.concurrency,
    // Kept although the quota pause now goes through queue.rateLimit: BullMQ (5.81) only checks the
    // pause (the queue's limiter key) when a job is fetched if the worker has a `limiter` or the
    // queue a global rate limit (moveToActive-11.lua: getRateLimitTTL with maxJobs unset returns 0).
    // This limiter never limits by itself (the fleet quota limiter does that); it makes the pause work.
    limiter: { max: 1_000_000_000, duration: 1000 },
  });
  const joblessCheck = setInterval(
    () => void addMissingJobs({ chunks: fairChunks, jobs: chunkQueue, logger }),
    JOBLESS_CHUNKS_CHECK_MS,
  );
  joblessCheck.unref();
  releasers.add('jobless chunks check', () => clearInterval(joblessCheck));
  const webhooks = new Worker(
    QUEUE_NAMES.batchWebhook,
    createWebhookProcessor({ options: options.webhooks, store, logger }),
    {
      ...common,
      concurrency: WEBHOOK_CONCURRENCY,
    },
  );
  chunks.on('failed', (job) => {
    // The processor settles every failure it sees; what reaches here failed for good without it
    // (stalled too often, or an attempt lost with its worker): its items fail, the batch goes on.
    if (!job || !failedForGood(job)) return;
    settleAbandonedChunk({ store, onFinal, chunks: fairChunks }, job).catch((e: unknown) =>
      logger.error(
        { err: { message: (e as Error).message }, jobId: job.id },
        'could not settle a failed chunk',
      ),
    );
  });
  const workers = [chunks, webhooks];
  for (const w of workers)
    w.on('error', (err) => logger.error({ err: { message: err.message } }, 'batch worker error'));

  return { chunks, webhooks, store };
}
