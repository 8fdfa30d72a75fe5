/**
 * A running worker process: its metrics server when WORKER_METRICS_PORT is set, and the translation
 * worker, ready; released together. Used by worker/main.ts and `npm start`.
 */
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { ReleaseRegistry } from '../shared/release-registry.js';
import { createTranslationWorker, type TranslationWorker } from './create-worker.js';
import { startMetricsServer } from './metrics-server.js';
import { workerRegistry } from './metrics.js';

export interface RunningWorker {
  worker: TranslationWorker;
  /** Where Prometheus scrapes this worker; undefined without WORKER_METRICS_PORT. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const releasers = new ReleaseRegistry(logger);
  // Started first so it is released last: its /healthz (liveness) and /metrics answer while jobs
  // in flight finish during the grace period.
  const metrics =
    config.WORKER_METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer({
          registry: workerRegistry,
          port: config.WORKER_METRICS_PORT,
          host: config.HOST,
          token: config.METRICS_TOKEN,
        });
  if (metrics) releasers.add('worker metrics server', () => metrics.close());
  const worker = createTranslationWorker({ config, logger });
  // The worker bounds every step of its own release.
  releasers.add('translation worker', () => worker.close(), null);
  await worker.worker.waitUntilReady();
  return {
    worker,
    ...(metrics ? { metricsUrl: `${metrics.url}/metrics` } : {}),
    close: () => releasers.release(),
  };
}
