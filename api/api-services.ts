/**
 * Builds the API's long-lived services: one producer Redis connection (fails fast), one Queue per
 * queue, one QueueEvents reader and one JobWaiter per process, the packer, the translation and
 * batch services. Each registers its release as it is created; HTTP is served by create-api.ts.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Router } from 'express';
import { EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import type { Redis } from 'ioredis';
import { createRedis } from '../shared/redis.js';
import { RedisKeys } from '../shared/redis/keys.js';
import type { ReleaseRegistry } from '../shared/release-registry.js';
import { TranslationCache } from '../shared/translation-cache.js';
import { UsageStore } from '../shared/usage/usage-store.js';
import type { ApiOptions } from './api-options.js';
import { queueDashboard } from './admin/queue-dashboard.js';
import type { BatchService } from './batches/batch-service.js';
import type { LanguageService } from './sync/language-service.js';
import { CharBudget } from './admission/char-budget.js';
import { OpenWaits } from './admission/open-waits.js';
import { JobWaiter } from './sync/job-waiter.js';
import { recordApiMetrics, trackOpenWaits } from './metrics.js';
import { QueueDepthSampler } from './admission/queue-depth.js';
import { startQueueDepthSampler } from './queue-depth-sampler.js';
import { itemIdsLoader, type ItemIds } from './sync/item-ids.js';
import { RequestPacker } from './sync/request-packer.js';
import { TranslationService } from './sync/translation-service.js';
import type { GlossaryReader } from '../shared/glossaries/glossary-reader.js';
import { GlossaryStore } from '../shared/glossaries/glossary-store.js';

export interface ApiServices {
  /** The producer connection: fails fast, so a request gets 503 at once while Redis is away. */
  redis: Redis;
  queue: Queue;
  waiter: JobWaiter;
  translations: TranslationService;
  /** Seals and opens public job ids (loaded from Redis once). */
  itemIds(): Promise<ItemIds>;
  /**
   * The batch service, built on first use: most requests never touch batches, and its modules
   * (request parsing, chunk planning, the store, the callback address guard) cost memory at start.
   */
  batches(): Promise<BatchService>;
  /**
   * Languages and detection, built on first use: the service opens its own events reader (a Redis
   * connection) for the `provider-info` queue, which an API that never serves them does not need.
   */
  languages(): Promise<LanguageService>;
  /** Ends the batch event streams, if batches were ever used (at shutdown). */
  endBatchStreams(): void;
  queueDepth: QueueDepthSampler;
  /** Each key's usage: counted by the services, read by GET /v1/usage. */
  usage: UsageStore;
  /** The queue dashboard, when ADMIN_TOKEN is set. */
  dashboard?: Router;
  /** Resolves once Redis answered and the events reader is running. */
  ready(): Promise<void>;
}

export function buildApiServices(
  options: ApiOptions,
  logger: Logger,
  releasers: ReleaseRegistry,
  /** The tenants' glossaries, read by sync and batch requests that name one. @default the Redis store */
  glossaryReader?: GlossaryReader,
): ApiServices {
  const { prefix } = options;
  // Auto-pipelining writes every command of one event-loop turn in one go: under load that is one
  // socket write for hundreds of requests' cache reads and job adds instead of one each.
  const redis = createRedis(options.redisUrl, 'producer', { enableAutoPipelining: true });
  const glossaries = glossaryReader ?? new GlossaryStore(redis, prefix);
  // Domain parts report what happened on this bus; the metrics subscribe (api/metrics.ts).
  const events = new EventBus();
  recordApiMetrics(events);
  releasers.add('redis (producer)', () => redis.disconnect());
  const eventsConnection = createRedis(options.redisUrl, 'blocking');
  releasers.add('redis (events)', () => eventsConnection.disconnect());
  // Errors are reported through readiness and 503s; without listeners ioredis would print them all.
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis (producer) error'));
  eventsConnection.on('error', (err) => logger.debug({ err: err.message }, 'redis (events) error'));

  const queue = new Queue(QUEUE_NAMES.translate, {
    connection: redis,
    prefix,
    defaultJobOptions: options.translateJobOptions,
  });
  queue.on('error', (err) => logger.debug({ err: err.message }, 'queue error'));
  const queueEvents = new QueueEvents(QUEUE_NAMES.translate, { connection: eventsConnection, prefix });
  queueEvents.on('error', (err) => logger.debug({ err: err.message }, 'queue events error'));
  // Queue and events reader close together: each waits on Redis, and the bound is per release.
  releasers.add('translate queue', () => Promise.allSettled([queueEvents.close(), queue.close()]));
  const waiter = new JobWaiter({
    queueEvents,
    redis,
    jobKey: (id) => new RedisKeys(prefix).job(QUEUE_NAMES.translate, id),
  });
  releasers.add('job waiter', () => waiter.close());
  const itemIds = itemIdsLoader(redis, prefix);
  // Read at start, so the first request finds it; a failure is retried by the first request.
  void itemIds().catch(() => undefined);
  // MAX_OPEN_WAITS counts sync and batch waits together.
  const openWaits = new OpenWaits(options.maxOpenWaits, () => waiter.size);
  const budget = new CharBudget(redis, { prefix, dailyChars: options.dailyChars, logger, events });
  // Counts of one event-loop turn go to Redis together; whatever is pending is written at shutdown.
  const usage = new UsageStore(redis, { prefix, logger, events, autoFlush: true });
  releasers.add('usage counts', () => usage.flush());
  const packer = new RequestPacker({
    queue,
    redis,
    waiter,
    cache: new TranslationCache(redis, prefix, options.cache.ttlS),
    cacheScope: options.cache.scope,
    packing: options.packing.enabled,
    maxChars: options.packing.maxChars,
  });
  const translations = new TranslationService({
    queue,
    redis,
    waiter,
    packer,
    budget,
    usage,
    providerId: options.cache.providerId,
    cacheScope: options.cache.scope,
    itemIds,
    openWaits,
    tracing: options.tracing,
    events,
    glossaries,
  });
  releasers.add(
    'open waits metric',
    trackOpenWaits(() => openWaits.size),
  );

  let batches: Promise<BatchService> | undefined;
  let batchService: BatchService | undefined;
  const loadBatches = async (): Promise<BatchService> => {
    const { BatchService } = await import('./batches/batch-service.js');
    batchService = new BatchService({
      options: options.batches,
      logger,
      redis,
      budget,
      usage,
      releasers,
      events,
      openWaits,
      glossaries,
    });
    return batchService;
  };
  // Handles on the other queues for queue-depth metrics and the dashboard (they share the connection).
  const otherQueues = Object.values(QUEUE_NAMES)
    .filter((name) => name !== QUEUE_NAMES.translate)
    .map((name) => new Queue(name, { connection: redis, prefix }));
  for (const q of otherQueues) q.on('error', (err) => logger.debug({ err: err.message }, 'queue error'));
  releasers.add('other queues', () => Promise.allSettled(otherQueues.map((q) => q.close())));
  const allQueues = [queue, ...otherQueues];
  // Admission reads the sync queue (MAX_QUEUE_DEPTH) and the chunk backlog (MAX_BATCH_BACKLOG).
  const queueDepth = new QueueDepthSampler(
    allQueues.filter((q) => q.name === QUEUE_NAMES.translate || q.name === QUEUE_NAMES.translateBatch),
  );
  releasers.add(
    'queue depth sampler',
    startQueueDepthSampler(allQueues, options.queueMetricsIntervalMs, logger, events),
  );

  let languages: Promise<LanguageService> | undefined;
  const loadLanguages = async (): Promise<LanguageService> => {
    const { createLanguageService } = await import('./sync/language-service.js');
    const providerInfoQueue = otherQueues.find((q) => q.name === QUEUE_NAMES.providerInfo)!;
    return createLanguageService({
      options: options.languages,
      queue: providerInfoQueue,
      redis,
      logger,
      releasers,
      budget,
      openWaits,
    });
  };

  return {
    redis,
    queue,
    waiter,
    translations,
    itemIds,
    batches: () =>
      (batches ??= loadBatches().catch((err: unknown) => {
        batches = undefined;
        throw err;
      })),
    languages: () =>
      (languages ??= loadLanguages().catch((err: unknown) => {
        languages = undefined;
        throw err;
      })),
    endBatchStreams: () => batchService?.endStreams(),
    queueDepth,
    usage,
    ...(options.admin
      ? { dashboard: queueDashboard({ ...options.admin, queues: allQueues, redis, prefix }) }
      : {}),
    async ready() {
      await queueEvents.waitUntilReady();
      await queue.waitUntilReady();
      await itemIds();
    },
  };
}
