/**
 * One JSON line per HTTP request, written when it ends: the request id, method, URL, status,
 * response time and the job id when the request was about a job (`res.locals.jobId`). Headers and
 * bodies are never logged: they hold credentials and texts.
 *
 * Not pino-http: it builds two or three child loggers, arrays and closures per request, even when
 * LOG_LEVEL drops the line; here a request costs nothing unless its line is written.
 */
import type { Request, Response } from 'express';
import type { Logger } from '../../shared/logger.js';

export function logRequest(logger: Logger, req: Request, res: Response, requestId: string, ms: number): void {
  const failed = res.statusCode >= 500;
  const level = failed ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const jobId: unknown = res.locals.jobId;
  logger[level](
    {
      requestId,
      ...(typeof jobId === 'string' ? { jobId } : {}),
      req: { method: req.method, url: req.originalUrl },
      res: { statusCode: res.statusCode },
      responseTime: Math.round(ms),
    },
    failed ? 'request errored' : res.writableFinished ? 'request completed' : 'request aborted',
  );
}
