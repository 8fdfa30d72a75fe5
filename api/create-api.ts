/**
 * Wires the API's long-lived parts: one producer Redis connection (fails fast), one Queue, one
 * QueueEvents reader and one JobWaiter per process. Used by api/main.ts, `npm start` and tests.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { Queue, QueueEvents } from 'bullmq';
import type { Express } from 'express';
import type { Config } from '../shared/config.js';
import { EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';
import { translateJobOptions } from '../shared/jobs/translate-job.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import { RedisKeys } from '../shared/redis/keys.js';
import { providerId, TranslationCache } from '../shared/translation-cache.js';
import { createApp } from './app.js';
import { BatchService } from './batch-service.js';
import { queueDashboard } from './admin/queue-dashboard.js';
import { recordApiMetrics, trackOpenWaits } from './metrics.js';
import { startQueueDepthSampler } from './queue-depth-sampler.js';
import { CharBudget } from './char-budget.js';
import { JobWaiter } from './job-waiter.js';
import { serverClasses } from './http/server-classes.js';
import { RequestPacker } from './request-packer.js';
import { QueueDepthSampler } from './queue-depth.js';
import { TranslationService } from './translation-service.js';

export interface Api {
  app: Express;
  queue: Queue;
  waiter: JobWaiter;
  /** Resolves once Redis answered and the events reader is running. */
  ready(): Promise<void>;
  listen(port?: number, host?: string): Promise<{ server: Server; url: string }>;
  /** Graceful stop: readiness fails, no new connections, open waits answered, then disconnect. */
  close(): Promise<void>;
}

export function createApi({ config, logger }: { config: Config; logger: Logger }): Api {
  // Auto-pipelining writes every command of one event-loop turn in one go: under load that is one
  // socket write for hundreds of requests' cache reads and job adds instead of one each.
  const redis = createRedis(config.REDIS_URL, 'producer', { enableAutoPipelining: true });
  const events = new EventBus();
  recordApiMetrics(events);
  const eventsConnection = createRedis(config.REDIS_URL, 'blocking');
  // Errors are reported through readiness and 503s; without listeners ioredis would print them all.
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis (producer) error'));
  eventsConnection.on('error', (err) => logger.debug({ err: err.message }, 'redis (events) error'));

  const queue = new Queue(QUEUE_NAMES.translate, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: translateJobOptions(config),
  });
  queue.on('error', (err) => logger.debug({ err: err.message }, 'queue error'));
  const queueEvents = new QueueEvents(QUEUE_NAMES.translate, {
    connection: eventsConnection,
    prefix: config.QUEUE_PREFIX,
  });
  queueEvents.on('error', (err) => logger.debug({ err: err.message }, 'queue events error'));
  const waiter = new JobWaiter({
    queueEvents,
    redis,
    jobKey: (id) => new RedisKeys(config.QUEUE_PREFIX).job(QUEUE_NAMES.translate, id),
  });
  const budget = new CharBudget(redis, {
    prefix: config.QUEUE_PREFIX,
    dailyChars: config.DAILY_CHAR_BUDGET,
    logger,
    events,
  });
  const packer = new RequestPacker({
    queue,
    redis,
    waiter,
    cache: new TranslationCache(redis, config.QUEUE_PREFIX, config.CACHE_TTL_S),
    packing: config.PROVIDER_BATCHING,
    maxChars: config.PROVIDER_BATCH_MAX_CHARS,
  });
  const translations = new TranslationService({
    queue,
    redis,
    waiter,
    packer,
    budget,
    providerId: providerId(config),
    maxOpenWaits: config.MAX_OPEN_WAITS,
    tracing: config.TRACING_ENABLED,
    events,
  });
  const queueDepth = new QueueDepthSampler([queue]);

  const untrackWaits = trackOpenWaits(() => waiter.size);

  let draining = false;
  let server: Server | undefined;
  const batches = new BatchService({ config, logger, redis, budget, events });
  // Handles on the other queues for queue-depth metrics and the dashboard (they share the connection).
  const otherQueues = Object.values(QUEUE_NAMES)
    .filter((name) => name !== QUEUE_NAMES.translate)
    .map((name) => new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX }));
  for (const q of otherQueues) q.on('error', (err) => logger.debug({ err: err.message }, 'queue error'));
  const stopSampler = startQueueDepthSampler(
    [queue, ...otherQueues],
    config.QUEUE_METRICS_INTERVAL_MS,
    logger,
    events,
  );
  const app = createApp({
    config,
    logger,
    translations,
    batches,
    ...(config.ADMIN_TOKEN
      ? {
          dashboard: queueDashboard({
            user: config.ADMIN_USER,
            token: config.ADMIN_TOKEN,
            queues: [queue, ...otherQueues],
          }),
        }
      : {}),
    health: { redis, draining: () => draining },
    queueDepth,
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    queue,
    waiter,
    async ready() {
      await queueEvents.waitUntilReady();
      await queue.waitUntilReady();
    },
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        // Requests and responses are built with the app's prototypes from the start (see
        // http/server-classes.ts): cheaper per request, and less memory per waiting request.
        const s = createServer({ keepAliveTimeout: 65_000, ...serverClasses(app) }, app);
        s.headersTimeout = 66_000;
        s.once('error', reject);
        // A deep accept queue: bursts of thousands of new connections must not overflow it (Node's default is 511).
        s.listen({ port, host, backlog: 4096 }, () => {
          server = s;
          const address = s.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ server: s, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        draining = true;
        stopSampler();
        untrackWaits();
        // SSE streams end now; their clients reconnect to another instance with Last-Event-ID.
        batches.endStreams();
        const closed = server
          ? new Promise<void>((resolve) => server!.close(() => resolve()))
          : Promise.resolve();
        server?.closeIdleConnections();
        // Open waits get a short window to complete; after it they are answered 202 + job id.
        await Promise.race([closed, new Promise((r) => setTimeout(r, config.API_DRAIN_MS).unref())]);
        waiter.close();
        await batches.close();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
        server?.closeAllConnections();
        await Promise.race([
          Promise.allSettled([queueEvents.close(), queue.close(), ...otherQueues.map((q) => q.close())]),
          new Promise((r) => setTimeout(r, 2000).unref()),
        ]);
        redis.disconnect();
        eventsConnection.disconnect();
      })();
      return closing;
    },
  };
}
