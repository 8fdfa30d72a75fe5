import type { Logger } from './logger.js';

/**
 * Wires SIGTERM/SIGINT to a graceful stop that runs once; a second signal forces the exit, should
 * the graceful path ever hang. The process exits 0 when `close` resolves, 1 when it throws.
 */
export function exitOnSignals(logger: Logger, what: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, what);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
