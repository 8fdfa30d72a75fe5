/** API process entry point: parse config, listen, stop cleanly on SIGTERM/SIGINT. */
import { exitOnSignals } from '../shared/shutdown.js';
import { loadConfigOrExit } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createApi } from './create-api.js';
import { applyV8MemorySetting } from './v8-memory.js';

const config = loadConfigOrExit();
applyV8MemorySetting(config.API_OPTIMIZE_FOR_SIZE);
const logger = createLogger(config, 'api');
const api = createApi({ config, logger });
const { url } = await api.listen();
logger.info({ url, prefix: config.QUEUE_PREFIX }, 'api listening');

exitOnSignals(logger, 'stopping: not ready, answering open waits', () => api.close());
