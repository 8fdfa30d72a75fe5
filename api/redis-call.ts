import type { Redis } from 'ioredis';
import { AppError, UnavailableError } from '../shared/errors.js';
import { withTimeout } from '../shared/timeout.js';

/** How long a client waits on one Redis call before its 503: Redis answers in ms when healthy. */
export const REDIS_CALL_TIMEOUT_MS = 2000;

/**
 * Runs a Redis call on behalf of a waiting client. Fails fast while Redis is away instead of
 * queueing commands, and bounds the call, so the client gets 503 at once rather than a hang.
 */
export async function redisCall<T>(
  redis: Redis,
  fn: () => Promise<T>,
  timeoutMs = REDIS_CALL_TIMEOUT_MS,
): Promise<T> {
  if (redis.status !== 'ready') throw new UnavailableError('Redis is unavailable.');
  try {
    return await withTimeout(fn(), timeoutMs, () => {
      throw new UnavailableError('Redis did not answer in time.');
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new UnavailableError('Redis is unavailable.', err);
  }
}
