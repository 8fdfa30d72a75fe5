import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import type { QueueDepthSampler } from '../admission/queue-depth.js';

/**
 * 429 `overloaded` while more than `maxDepth` jobs wait: new work is turned away early, before its
 * body is even read, so a flood costs the API (and Redis) little.
 */
export function overloadGuard(sampler: QueueDepthSampler, maxDepth: number): RequestHandler {
  return async (_req, _res, next) => {
    const depth = await sampler.depth();
    if (depth > maxDepth) {
      next(
        new AppError('overloaded', undefined, {
          headers: { 'Retry-After': '2' },
          details: [{ message: `${depth} jobs are waiting (limit ${maxDepth}).` }],
        }),
      );
      return;
    }
    next();
  };
}
