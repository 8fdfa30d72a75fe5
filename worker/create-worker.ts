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
import { ReleaseRegistry } from '../shared/release-registry.js';
import { closeWorkers, closeWorkersTimeoutMs } from './close-workers.js';
import { emitJobEvents } from './job-events.js';
import { logFailedJobs } from './job-failure-log.js';
import { traceJobs } from './job-tracing.js';
import { recordWorkerMetrics } from './metrics.js';
import { TranslationCache } from '../shared/translation-cache.js';
import { UsageStore } from '../shared/usage/usage-store.js';
import { ProviderBatcher, providerBatcherOptions } from './provider/provider-batcher.js';
import { GoogleTranslator, type LanguageProvider, type Translator } from './provider/google-translator.js';
import { BoundedLanguageProvider } from './provider/bounded-language-provider.js';
import { createProviderInfoWorker } from './create-provider-info-worker.js';
import { InstrumentedTranslator } from './provider/instrumented-translator.js';
import { FleetQuotaLimiter } from './provider/fleet-quota-limiter.js';
import { FailurePolicy } from './processors/failure-policy.js';
import { QuotaBackoff } from './processors/quota-backoff.js';
import { createTranslateProcessor } from './processors/translate-processor.js';
import { createBatchWorkers, type BatchWorkers } from './create-batch-workers.js';
import { compileWorkerOptions } from './worker-options.js';
import { CheckedTranslator } from './protection/checked-translation.js';
import { CompiledGlossaries } from './protection/compiled-glossaries.js';
import type { GlossaryReader } from '../shared/glossaries/glossary-reader.js';
import { GlossaryStore } from '../shared/glossaries/glossary-store.js';

export interface TranslationWorker {
  worker: Worker;
  /** Batch chunk and webhook workers, sharing this process's Translator. */
  batch: BatchWorkers;
  /** Detect and languages jobs (queue `provider-info`), on the same provider limits. */
  providerInfo: Worker;
  /** Stops taking jobs, lets jobs in flight finish within SHUTDOWN_GRACE_MS, then disconnects. */
  close(): Promise<void>;
}

export interface CreateWorkerDeps {
  /** Compiled once into the consumers' options; the provider chain's factories read it too. */
  config: Config;
  logger: Logger;
  /** Defaults to the Google client built from config. */
  translator?: Translator;
  /** Detect and languages calls; defaults to the Google client built from config. */
  languageProvider?: LanguageProvider;
  /** The tenants' glossaries (shared/glossaries/). @default the Redis store on the worker's connection */
  glossaries?: GlossaryReader;
}

export function createTranslationWorker({
  config,
  logger,
  translator,
  languageProvider,
  glossaries,
}: CreateWorkerDeps): TranslationWorker {
  const options = compileWorkerOptions(config);
  const { consumer } = options;
  const releasers = new ReleaseRegistry(logger);
  const connection = createRedis(consumer.redisUrl, 'blocking');
  releasers.add('redis (worker)', () => connection.disconnect());
  const events = new EventBus();
  recordWorkerMetrics(events);
  logFailedJobs(events, logger, QUEUE_NAMES.translate);
  logFailedJobs(events, logger, QUEUE_NAMES.providerInfo);
  // One provider chain per process, shared by the sync and the batch consumers:
  // jobs → batcher → metrics → fleet quota limiter → Google.
  let google: GoogleTranslator | undefined;
  const googleClient = () => (google ??= new GoogleTranslator(config));
  const quota = new FleetQuotaLimiter(translator ?? googleClient(), connection, config, events);
  const provider = new ProviderBatcher(
    new InstrumentedTranslator(quota, { tracing: options.tracing, events }),
    providerBatcherOptions(config),
  );
  // Text protection (issue 13) in front of the chain, one for both consumers.
  const checked = new CheckedTranslator({
    events,
    glossaries: new CompiledGlossaries(glossaries ?? new GlossaryStore(connection, consumer.prefix)),
  });
  const batch = createBatchWorkers({
    options: options.batch,
    logger,
    translator: provider,
    checked,
    releasers,
    events,
  });
  // Detect and languages calls: the same slots and fleet quota as translations.
  const providerInfo = createProviderInfoWorker({
    options: options.providerInfo,
    connection,
    logger,
    provider: new BoundedLanguageProvider(
      languageProvider ?? googleClient(),
      { runInSlot: (call) => provider.runInSlot(call), admit: (chars) => quota.admit(chars) },
      { tracing: options.tracing, events },
    ),
    releasers,
  });
  const cache = {
    // On BullMQ's own connection: a job's cache writes and the end of its in-flight marks are sent
    // before the job's completion on the same socket, so Redis applies them first without the job
    // waiting for them (see processors/translate-processor.ts).
    store: new TranslationCache(connection, consumer.prefix, options.cache.ttlS),
    providerId: options.cache.providerId,
  };
  // Quota pauses apply to the whole queue, every worker of the fleet (BullMQ's limiter key).
  const queue = new Queue(QUEUE_NAMES.translate, { connection, prefix: consumer.prefix });
  releasers.add('translate queue (rate limit)', () => queue.close());
  const processor = createTranslateProcessor({
    translator: provider,
    checked,
    logger,
    failures: new FailurePolicy({
      rateLimit: (ms) => queue.rateLimit(ms),
      quotaBackoff: new QuotaBackoff(consumer.quotaPauseMs),
      maxQuotaRequeues: consumer.quotaRetries,
    }),
    cache,
    batching: options.batching,
    // Like the cache: on BullMQ's connection, so a job's billed characters land before its completion.
    usage: new UsageStore(connection, { prefix: consumer.prefix, logger, events }),
  });
  const worker = new Worker(QUEUE_NAMES.translate, traceJobs(options.tracing, processor), {
    connection,
    prefix: consumer.prefix,
    // Recorded on each job as `processedBy`: which process did the work.
    name: `${hostname()}:${process.pid}`,
    concurrency: options.concurrency,
    lockDuration: consumer.lockDurationMs,
    stalledInterval: consumer.stalledIntervalMs,
    maxStalledCount: 1,
    // Kept although the quota pause now goes through queue.rateLimit: BullMQ (5.81) only checks the
    // pause (the queue's limiter key) when a job is fetched if the worker has a `limiter` or the
    // queue a global rate limit (moveToActive-11.lua: getRateLimitTTL with maxJobs unset returns 0).
    // This limiter never limits by itself (the fleet quota limiter does that); it makes the pause work.
    limiter: { max: 1_000_000_000, duration: 1000 },
  });
  const w = worker;
  for (const consumer of [w, batch.chunks, batch.webhooks, providerInfo]) emitJobEvents(consumer, events);
  w.on('error', (err) => logger.error({ err: { message: err.message } }, 'worker error'));

  // Registered last, so released first: the consumers stop (together, under one grace period)
  // before the queues and connections they use.
  releasers.add(
    'workers',
    () => closeWorkers([w, batch.chunks, batch.webhooks, providerInfo], consumer.shutdownGraceMs, logger),
    closeWorkersTimeoutMs(consumer.shutdownGraceMs),
  );

  return { worker: w, batch, providerInfo, close: () => releasers.release() };
}
