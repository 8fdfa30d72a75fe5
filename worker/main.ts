/** Worker process entry point: parse config, start one worker, stop cleanly on SIGTERM/SIGINT. */
import { exitOnSignals } from '../shared/shutdown.js';
import { loadConfigOrExit, usesEmulator } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { startWorker } from './start-worker.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
const running = await startWorker(config, logger);
if (running.metricsUrl) logger.info({ url: running.metricsUrl }, 'worker metrics listening');
logger.info(
  { concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX, emulated: usesEmulator(config) },
  'worker started',
);

exitOnSignals(logger, 'stopping: no new jobs, finishing jobs in flight', () => running.close());
