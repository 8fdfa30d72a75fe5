/**
 * The Express app, built from its dependencies so tests can drive it without a port.
 * Route handlers are thin; errors travel to the one error handler registered last.
 */
import express, { type Express, type Router } from 'express';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { requireApiKey } from './http/api-keys.js';
import { drainGuard } from './http/drain-guard.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { httpTracing } from './http/http-tracing.js';
import { batchBacklogGuard, overloadGuard } from './http/overload-guard.js';
import { rateLimit, rateLimited } from './http/rate-limit.js';
import { requestLifecycle } from './http/request-lifecycle.js';
import { helmetHeaders } from './http/security-headers.js';
import { lazyRoutes } from './http/lazy-routes.js';
import type { BatchRouteOptions } from './routes/batch-routes.js';
import type { LanguageRouteOptions } from './routes/language-routes.js';
import type { LanguageService } from './sync/language-service.js';
import { healthRoutes, type HealthState } from './routes/health-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { metricsRoutes, type MetricsRouteOptions } from './routes/metrics-routes.js';
import { translateRoutes, type TranslateRouteOptions } from './routes/translate-routes.js';
import { usageRoutes } from './routes/usage-routes.js';
import type { UsageStore } from '../shared/usage/usage-store.js';
import type { QueueDepthSampler } from './admission/queue-depth.js';
import type { TranslationService } from './sync/translation-service.js';
import type { BatchService } from './batches/batch-service.js';

/** The HTTP layer's settings, compiled from Config by api/api-options.ts. */
export interface AppOptions {
  /** Express 'trust proxy' (TRUST_PROXY). */
  trustProxy: Config['TRUST_PROXY'];
  /** A span per request (TRACING_ENABLED). */
  tracing: boolean;
  /** The keys of API_KEYS and API_KEYS_FILE: /v1 needs one of them when there are any. */
  tenants: Config['TENANTS'];
  /** Key prefix for the rate limiter's counters and the glossaries (QUEUE_PREFIX). */
  prefix: string;
  /** Requests per minute per client, unless its key has its own requests_per_min; 0: none (RATE_LIMIT_PER_MIN). */
  rateLimitPerMin: number;
  /** Waiting sync jobs above which new work is refused with 429 (MAX_QUEUE_DEPTH). */
  maxQueueDepth: number;
  /** Waiting batch chunk jobs above which new batches are refused with 429 (MAX_BATCH_BACKLOG). */
  maxBatchBacklog: number;
  translate: TranslateRouteOptions;
  batches: BatchRouteOptions;
  languages: LanguageRouteOptions;
  metrics: MetricsRouteOptions;
  /** docs-routes builds the OpenAPI document from the settings themselves. */
  docs: Config;
}

export interface AppDeps {
  options: AppOptions;
  logger: Logger;
  translations: TranslationService;
  health: HealthState;
  /** Batch routes are mounted when given; the service (and the routes) load on the first batch request. */
  batches?: () => Promise<BatchService>;
  /** Language routes are mounted when given; the service (and the routes) load on their first request. */
  languages?: () => Promise<LanguageService>;
  /** Waiting-job counts for admission control (MAX_QUEUE_DEPTH, MAX_BATCH_BACKLOG). */
  queueDepth: QueueDepthSampler;
  /** Each key's usage, read by GET /v1/usage. */
  usage: Pick<UsageStore, 'read'>;
  /** The queue dashboard (with its own auth), mounted when given. */
  dashboard?: Router;
}

export function createApp({
  options,
  logger,
  translations,
  health,
  batches,
  languages,
  queueDepth,
  dashboard,
  usage,
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', options.trustProxy);
  // Request id, security headers, duration metric and log line: one layer, one listener.
  app.use(requestLifecycle(logger, helmetHeaders()));
  const tracing = httpTracing(options.tracing);
  if (tracing) app.use(tracing);
  // The /v1 routes come first: they take nearly all the traffic, and a request walks the layers in order.
  // Health stays open; everything under /v1 needs a key (when keys are set), then passes the limits.
  // Every /v1 request gets its tenant here (the open tenant without keys).
  app.use('/v1', drainGuard(health.draining));
  app.use('/v1', requireApiKey(options.tenants));
  if (rateLimited(options.tenants, options.rateLimitPerMin)) {
    app.use(
      '/v1',
      rateLimit({ redis: health.redis, prefix: options.prefix, perMinute: options.rateLimitPerMin }),
    );
  }
  app.post(['/v1/translate', '/v1/batches'], overloadGuard(queueDepth, options.maxQueueDepth));
  app.post('/v1/batches', batchBacklogGuard(queueDepth, options.maxBatchBacklog));
  app.use(translateRoutes(options.translate, translations));
  app.use(jobRoutes(translations));
  app.use(usageRoutes(usage, health.redis));
  if (batches) {
    app.use(
      lazyRoutes('/v1/batches', async () => {
        const { batchRoutes } = await import('./routes/batch-routes.js');
        return batchRoutes(options.batches, await batches());
      }),
    );
  }
  app.use(
    lazyRoutes('/v1/glossaries', async () => {
      const [{ glossaryRoutes }, { GlossaryStore }] = await Promise.all([
        import('./routes/glossary-routes.js'),
        import('../shared/glossaries/glossary-store.js'),
      ]);
      return glossaryRoutes(new GlossaryStore(health.redis, options.prefix), health.redis);
    }),
  );
  if (languages) {
    // Two prefixes, one router module (each lazyRoutes loads it once; the service is shared).
    const loadLanguageRoutes = async () => {
      const { languageRoutes } = await import('./routes/language-routes.js');
      return languageRoutes(options.languages, await languages());
    };
    app.use(lazyRoutes('/v1/languages', loadLanguageRoutes), lazyRoutes('/v1/detect', loadLanguageRoutes));
  }
  app.use(healthRoutes(health));
  app.use(metricsRoutes(options.metrics, { redis: health.redis, prefix: options.prefix }));
  app.use(docsRoutes(options.docs));
  if (dashboard) app.use(dashboard);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
