/**
 * 429 `overloaded` while too much work waits: new work is turned away early, before its body is
 * even read, so a flood costs the API (and Redis) little. Depths are sampled (admission/queue-depth.ts).
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import { QUEUE_NAMES } from '../../shared/queues.js';
import type { QueueDepthSampler } from '../admission/queue-depth.js';

/** New sync or batch work, while more than `maxDepth` sync jobs wait (MAX_QUEUE_DEPTH). */
export function overloadGuard(sampler: QueueDepthSampler, maxDepth: number): RequestHandler {
  return refuseAbove(sampler, QUEUE_NAMES.translate, maxDepth, 2, 'jobs');
}

/**
 * New batches, while more than `maxChunks` chunk jobs wait (MAX_BATCH_BACKLOG). Chunks, not items:
 * the queue counts them for free, and a chunk is one provider request, the unit the backlog drains in.
 * A chunk takes longer to drain than a sync job, hence the longer Retry-After.
 */
export function batchBacklogGuard(sampler: QueueDepthSampler, maxChunks: number): RequestHandler {
  return refuseAbove(sampler, QUEUE_NAMES.translateBatch, maxChunks, 5, 'batch chunks');
}

function refuseAbove(
  sampler: QueueDepthSampler,
  queue: string,
  max: number,
  retryAfterS: number,
  what: string,
): RequestHandler {
  return async (_req, _res, next) => {
    const depth = await sampler.depth(queue);
    if (depth > max) {
      next(
        new AppError('overloaded', undefined, {
          headers: { 'Retry-After': String(retryAfterS) },
          details: [{ message: `${depth} ${what} are waiting (limit ${max}).` }],
        }),
      );
      return;
    }
    next();
  };
}
