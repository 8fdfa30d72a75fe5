/** Worker process entry point: parse config, start one worker, stop cleanly on SIGTERM/SIGINT. */
import { exitOnSignals } from '../shared/shutdown.js';
import { loadConfigOrExit, usesEmulator } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createTranslationWorker } from './create-worker.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { workerRegistry } from './metrics.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
const { worker, close } = createTranslationWorker({ config, logger });

await worker.waitUntilReady();
let metrics: MetricsServer | undefined;
if (config.WORKER_METRICS_PORT !== undefined) {
  metrics = await startMetricsServer({
    registry: workerRegistry,
    port: config.WORKER_METRICS_PORT,
    host: config.HOST,
    token: config.METRICS_TOKEN,
  });
  logger.info({ url: `${metrics.url}/metrics` }, 'worker metrics listening');
}
logger.info(
  { concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX, emulated: usesEmulator(config) },
  'worker started',
);

exitOnSignals(logger, 'stopping: no new jobs, finishing jobs in flight', async () => {
  await close();
  await metrics?.close();
});
