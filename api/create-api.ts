/**
 * The API: its services (api-services.ts) behind the Express app (app.ts), served over HTTP
 * (http-server.ts), with one release path for all of it. Used by api/main.ts, `npm start` and tests.
 */
import type { Server } from 'node:http';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { GlossaryReader } from '../shared/glossaries/glossary-reader.js';
import { ReleaseRegistry } from '../shared/release-registry.js';
import { CLOSE_STEP_MS } from '../shared/timeout.js';
import { compileApiOptions } from './api-options.js';
import { buildApiServices } from './api-services.js';
import { createApp } from './app.js';
import { serveHttp } from './http-server.js';
import type { ItemIds } from './sync/item-ids.js';
import type { JobWaiter } from './sync/job-waiter.js';
import { isLoopbackHost } from '../shared/tenants.js';

export interface Api {
  app: Express;
  queue: Queue;
  waiter: JobWaiter;
  /** Seals and opens public job ids (tests read the job behind an id with it). */
  itemIds(): Promise<ItemIds>;
  /** Resolves once Redis answered and the events reader is running. */
  ready(): Promise<void>;
  listen(port?: number, host?: string): Promise<{ server: Server; url: string }>;
  /** Graceful stop: readiness fails, no new connections, open waits answered, then disconnect. */
  close(): Promise<void>;
}

export function createApi({
  config,
  logger,
  glossaries,
}: {
  config: Config;
  logger: Logger;
  /** The tenants' glossaries (shared/glossaries/). @default none: a request naming one gets 404 */
  glossaries?: GlossaryReader;
}): Api {
  const options = compileApiOptions(config);
  const releasers = new ReleaseRegistry(logger);
  const services = buildApiServices(options, logger, releasers, glossaries);
  const { translations, queueDepth, dashboard, waiter } = services;
  const app = createApp({
    options: options.app,
    logger,
    translations,
    batches: services.batches,
    languages: services.languages,
    ...(dashboard ? { dashboard } : {}),
    // Only asked while requests are served, so after `serving` below exists.
    health: { redis: services.redis, draining: () => serving.draining() },
    queueDepth,
    usage: services.usage,
  });
  const serving = serveHttp(app, { drainMs: options.drainMs });
  // Registered last, so released first: HTTP drains while the services it uses are still there.
  releasers.add(
    'http',
    () => {
      // SSE streams end now; their clients reconnect to another instance with Last-Event-ID.
      services.endBatchStreams();
      return serving.close(() => waiter.close());
    },
    options.drainMs + 2 * CLOSE_STEP_MS,
  );

  return {
    app,
    queue: services.queue,
    waiter,
    itemIds: services.itemIds,
    ready: () => services.ready(),
    listen: (port = options.port, host = options.host) => {
      if (config.TENANTS.length === 0 && !isLoopbackHost(host)) {
        logger.warn(
          { host },
          'no API keys (API_KEYS, API_KEYS_FILE): anyone who reaches this address can use the API and read every job',
        );
      }
      return serving.listen(port, host);
    },
    close: () => releasers.release(),
  };
}
