/**
 * The Express app, built from its dependencies so tests can drive it without a port.
 * Route handlers are thin; errors travel to the one error handler registered last.
 */
import express, { type Express } from 'express';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { httpMetrics } from './http/http-metrics.js';
import { requestLogger } from './http/request-logger.js';
import { requestId } from './http/request-id.js';
import { batchRoutes } from './routes/batch-routes.js';
import { healthRoutes, type HealthState } from './routes/health-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { translateRoutes } from './routes/translate-routes.js';
import type { TranslationService } from './translation-service.js';
import type { BatchService } from './batch-service.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  translations: TranslationService;
  health: HealthState;
  /** Batch routes are mounted when given. */
  batches?: BatchService;
}

export function createApp({ config, logger, translations, health, batches }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(httpMetrics);
  app.use(requestLogger(logger));
  app.use(healthRoutes(health));
  app.use(metricsRoutes(config));
  app.use(docsRoutes(config));
  app.use(translateRoutes(config, translations));
  app.use(jobRoutes(translations));
  if (batches) app.use(batchRoutes(config, batches));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
