import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type Pretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

export interface LoggerOptions {
  /** Human-readable lines instead of JSON: for a terminal (`npm start` passes stdout.isTTY). */
  pretty?: boolean;
  /** Where lines go (tests capture them). @default stdout */
  destination?: DestinationStream;
}

/**
 * pino JSON logger. Credentials are redacted wherever they appear in logged objects; texts are never
 * logged (they may be private), so no caller passes one.
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'>,
  name: string,
  options: LoggerOptions = {},
): Logger {
  // Loaded only when asked for (a terminal): the services log JSON and need none of its modules.
  const pretty = (): typeof Pretty => createRequire(import.meta.url)('pino-pretty') as typeof Pretty;
  const destination = options.pretty
    ? pretty()({
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
        ...(options.destination ? { destination: options.destination } : {}),
      })
    : options.destination;
  const opts = {
    name,
    level: config.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        '*.key',
        '*.apiKey',
        '*.password',
        '*.token',
        'config.GOOGLE_TRANSLATE_API_KEY',
        'config.REDIS_URL',
        'config.METRICS_TOKEN',
        'config.ADMIN_TOKEN',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(opts, destination) : pino(opts);
}
