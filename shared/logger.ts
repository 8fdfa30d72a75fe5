import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * pino JSON logger. Credentials are redacted wherever they appear in logged objects; texts are kept
 * out of logs unless LOG_TEXTS=true (callers check `config.LOG_TEXTS` before logging a text).
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string): Logger {
  return pino({
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
        'config.GOOGLE_TRANSLATE_API_KEY',
        'config.REDIS_URL',
      ],
      censor: '[redacted]',
    },
  });
}
