/**
 * The Express app, built from its dependencies so tests can drive it without a port.
 * Route handlers are thin; errors travel to the one error handler registered last.
 */
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { parseApiKeys, requireApiKey } from './http/api-keys.js';
import { drainGuard } from './http/drain-guard.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { httpMetrics } from './http/http-metrics.js';
import { httpTracing } from './http/http-tracing.js';
import { requestLogger } from './http/request-logger.js';
import { overloadGuard } from './http/overload-guard.js';
import { rateLimit } from './http/rate-limit.js';
import { requestId } from './http/request-id.js';
import { batchRoutes } from './routes/batch-routes.js';
import { healthRoutes, type HealthState } from './routes/health-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { translateRoutes } from './routes/translate-routes.js';
import type { QueueDepthSampler } from './queue-depth.js';
import type { TranslationService } from './translation-service.js';
import type { BatchService } from './batch-service.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  translations: TranslationService;
  health: HealthState;
  /** Batch routes are mounted when given. */
  batches?: BatchService;
  /** Waiting-job count for admission control (MAX_QUEUE_DEPTH). */
  queueDepth: QueueDepthSampler;
  /** The queue dashboard (with its own auth), mounted when given. */
  dashboard?: Router;
}

export function createApp({
  config,
  logger,
  translations,
  health,
  batches,
  queueDepth,
  dashboard,
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(httpMetrics);
  app.use(httpTracing(config.TRACING_ENABLED));
  app.use(requestLogger(logger));
  app.use(helmet());
  app.use(healthRoutes(health));
  app.use(metricsRoutes(config));
  app.use(docsRoutes(config));
  if (dashboard) app.use(dashboard);
  // Health stays open; everything under /v1 needs a key (when keys are set), then passes the limits.
  app.use('/v1', drainGuard(health.draining));
  app.use('/v1', requireApiKey(parseApiKeys(config.API_KEYS)));
  app.use(
    '/v1',
    rateLimit({ redis: health.redis, prefix: config.QUEUE_PREFIX, perMinute: config.RATE_LIMIT_PER_MIN }),
  );
  app.post(['/v1/translate', '/v1/batches'], overloadGuard(queueDepth, config.MAX_QUEUE_DEPTH));
  app.use(translateRoutes(config, translations));
  app.use(jobRoutes(translations));
  if (batches) app.use(batchRoutes(config, batches));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
