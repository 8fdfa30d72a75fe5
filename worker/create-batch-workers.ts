/**
 * The batch side of a worker process: a BullMQ worker on `translate-batch` (chunk jobs, its own
 * concurrency, so interactive jobs on `translate` keep theirs) and one on `batch-webhook`. Both use
 * the process's shared Translator chain, so every provider limit of the process applies to them.
 */
import { Queue, Worker } from 'bullmq';
import { batchWebhookJobOptions } from '../shared/jobs/batch-webhook-job.js';
import { BatchStore, type BatchState } from '../shared/batch-store.js';
import { enqueueWebhook } from '../shared/batch-webhook.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import { createBatchChunkProcessor, settleAbandonedChunk } from './batch-chunk-processor.js';
import { createWebhookProcessor } from './deliver-webhook.js';
import type { Translator } from './provider/google-translator.js';
import { FailurePolicy } from './failure-policy.js';
import { QuotaBackoff } from './quota-backoff.js';

/** Webhook deliveries in flight per process: they wait on other people's servers. */
const WEBHOOK_CONCURRENCY = 10;

export interface BatchWorkers {
  chunks: Worker;
  webhooks: Worker;
  store: BatchStore;
  /** Lets chunks in flight finish within SHUTDOWN_GRACE_MS, then disconnects. */
  close(): Promise<void>;
}

export function createBatchWorkers(deps: {
  config: Config;
  logger: Logger;
  translator: Translator;
}): BatchWorkers {
  const { config, logger, translator } = deps;
  const connection = createRedis(config.REDIS_URL, 'blocking');
  connection.on('error', (err) => logger.debug({ err: err.message }, 'redis (batch) error'));
  const store = new BatchStore(connection, config.QUEUE_PREFIX, config.RESULT_TTL_S);
  const webhookQueue = new Queue(QUEUE_NAMES.batchWebhook, {
    connection,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: batchWebhookJobOptions(config),
  });
  const common = {
    connection,
    prefix: config.QUEUE_PREFIX,
    lockDuration: config.LOCK_DURATION_MS,
    stalledInterval: config.STALLED_INTERVAL_MS,
    maxStalledCount: 1,
  };
  // Quota pauses apply to the whole batch queue, every worker of the fleet (BullMQ's limiter key).
  const chunkQueue = new Queue(QUEUE_NAMES.translateBatch, { connection, prefix: config.QUEUE_PREFIX });
  const onFinal = async (state: BatchState) => {
    logger.info({ batchId: state.id, status: state.status }, 'batch finished');
    await enqueueWebhook(webhookQueue, state);
  };
  const processor = createBatchChunkProcessor({
    translator,
    store,
    logger,
    failures: new FailurePolicy({
      rateLimit: (ms) => chunkQueue.rateLimit(ms),
      quotaBackoff: new QuotaBackoff(config.PROVIDER_QUOTA_PAUSE_MS),
      maxQuotaRequeues: config.PROVIDER_QUOTA_RETRIES,
    }),
    onFinal,
  });
  const chunks = new Worker(QUEUE_NAMES.translateBatch, processor, {
    ...common,
    concurrency: config.BATCH_WORKER_CONCURRENCY,
    // Kept although the quota pause now goes through queue.rateLimit: BullMQ (5.81) only checks the
    // pause (the queue's limiter key) when a job is fetched if the worker has a `limiter` or the
    // queue a global rate limit (moveToActive-11.lua: getRateLimitTTL with maxJobs unset returns 0).
    // This limiter never limits by itself (the fleet quota limiter does that); it makes the pause work.
    limiter: { max: 1_000_000_000, duration: 1000 },
  });
  const webhooks = new Worker(QUEUE_NAMES.batchWebhook, createWebhookProcessor({ config, store, logger }), {
    ...common,
    concurrency: WEBHOOK_CONCURRENCY,
  });
  chunks.on('failed', (job, err) => {
    // The processor settles every failure it sees; what reaches here failed for good without it
    // (stalled too often, or an attempt lost with its worker): its items fail, the batch goes on.
    if (!job || (job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled/i.test(err.message))) return;
    settleAbandonedChunk({ store, onFinal }, job.data).catch((e: unknown) =>
      logger.error(
        { err: { message: (e as Error).message }, jobId: job.id },
        'could not settle a failed chunk',
      ),
    );
  });
  const workers = [chunks, webhooks];
  for (const w of workers)
    w.on('error', (err) => logger.error({ err: { message: err.message } }, 'batch worker error'));

  let closing: Promise<void> | undefined;
  return {
    chunks,
    webhooks,
    store,
    close() {
      closing ??= (async () => {
        const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
        const timer = new Promise<boolean>((resolve) =>
          setTimeout(resolve, config.SHUTDOWN_GRACE_MS, false).unref(),
        );
        if (!(await Promise.race([graceful, timer]))) {
          logger.warn('shutdown grace period over: closing batch chunks in flight (they will be retried)');
          await Promise.race([
            Promise.all(workers.map((w) => w.close(true))),
            new Promise((r) => setTimeout(r, 2000).unref()),
          ]);
        }
        await Promise.race([
          Promise.all([webhookQueue.close(), chunkQueue.close()]),
          new Promise((r) => setTimeout(r, 2000).unref()),
        ]);
        connection.disconnect();
      })();
      return closing;
    },
  };
}
