/**
 * The per-request work every route shares, in one middleware with one shared 'close' listener (no
 * closure per request): the request id and the security headers go on the response at once; when
 * the response ends, its duration is recorded (finished responses only) and its log line written.
 */
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../../shared/logger.js';
import { recordHttpRequest } from './http-metrics.js';
import { logRequest } from './request-logger.js';
import { requestIdOf } from './request-id.js';
import { setHeaders, type HeaderList } from './security-headers.js';

const STARTED_AT = Symbol('startedAt');
type Timed = Response & { [STARTED_AT]?: number };

export function requestLifecycle(logger: Logger, securityHeaders: HeaderList): RequestHandler {
  // 'close' follows 'finish' on every response, and comes alone when the client went away first.
  function onClose(this: Timed): void {
    const ms = performance.now() - (this[STARTED_AT] ?? 0);
    if (this.writableFinished) recordHttpRequest(this.req, this, ms / 1000);
    logRequest(logger, this.req, this, String(this.getHeader('X-Request-Id')), ms);
  }
  return (req, res: Timed, next) => {
    res[STARTED_AT] = performance.now();
    res.setHeader('X-Request-Id', requestIdOf(req));
    setHeaders(res, securityHeaders);
    res.on('close', onClose);
    next();
  };
}
