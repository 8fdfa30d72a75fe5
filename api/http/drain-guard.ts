import type { RequestHandler } from 'express';
import { UnavailableError } from '../../shared/errors.js';

/**
 * Once shutdown began, requests that still arrive on open keep-alive connections get 503 with
 * `Connection: close` instead of starting work the process may not live to answer (a job accepted
 * then cut off by the final connection close would leave its client without an answer).
 */
export function drainGuard(draining: () => boolean): RequestHandler {
  return (_req, res, next) => {
    if (!draining()) {
      next();
      return;
    }
    res.setHeader('Connection', 'close');
    next(new UnavailableError('Shutting down; retry on another instance.'));
  };
}
