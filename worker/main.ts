/** Worker process entry point: parse config, start one worker, stop cleanly on SIGTERM/SIGINT. */
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

let stopping = false;
function stop(signal: string) {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'stopping: no new jobs, finishing jobs in flight');
  close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
