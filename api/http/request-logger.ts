/**
 * One JSON line per HTTP request (pino-http), carrying the request id from `X-Request-Id` (set by
 * request-id.ts, which runs first) and the job id when the request was about a job
 * (`res.locals.jobId`). Handlers log through `req.log`, so their lines carry the request id too.
 * Headers and bodies are never logged: they hold credentials and texts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../shared/logger.js';

export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: ServerResponse) => String(res.getHeader('X-Request-Id') ?? ''),
    customAttributeKeys: { reqId: 'requestId' },
    // req.log carries only the request id; the completion line carries the request summary.
    quietReqLogger: true,
    customProps: (_req: IncomingMessage, res: ServerResponse) => {
      const jobId = (res as Response).locals?.jobId as unknown;
      return typeof jobId === 'string' ? { jobId } : {};
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    // The error handler has already logged a 5xx with its cause; this line stays a summary.
    customErrorObject: (_req, _res, _err, value: Record<string, unknown>) => ({ ...value, err: undefined }),
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    wrapSerializers: false,
  });
}
