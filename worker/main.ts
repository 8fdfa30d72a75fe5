/** Worker process entry point: parse config, start one worker, stop cleanly on SIGTERM/SIGINT. */
import { exitOnSignals } from '../shared/shutdown.js';
import { loadConfigOrExit, usesEmulator } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createTranslationWorker } from './create-worker.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
const { worker, close } = createTranslationWorker({ config, logger });

await worker.waitUntilReady();
logger.info(
  { concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX, emulated: usesEmulator(config) },
  'worker started',
);

exitOnSignals(logger, 'stopping: no new jobs, finishing jobs in flight', close);
