/** API process entry point: parse config, listen, stop cleanly on SIGTERM/SIGINT. */
import { loadConfigOrExit } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createApi } from './create-api.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'api');
const api = createApi({ config, logger });
const { url } = await api.listen();
logger.info({ url, prefix: config.QUEUE_PREFIX }, 'api listening');

let stopping = false;
function stop(signal: string) {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'stopping: not ready, answering open waits');
  api.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
