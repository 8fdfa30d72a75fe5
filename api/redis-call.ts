import type { Redis } from 'ioredis';
import { AppError, UnavailableError } from '../shared/errors.js';

/**
 * Runs a Redis call on behalf of a waiting client. Fails fast while Redis is away instead of
 * queueing commands, and bounds the call, so the client gets 503 at once rather than a hang.
 */
export async function redisCall<T>(redis: Redis, fn: () => Promise<T>, timeoutMs = 2000): Promise<T> {
  if (redis.status !== 'ready') throw new UnavailableError('Redis is unavailable.');
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UnavailableError('Redis did not answer in time.')), timeoutMs);
      }),
    ]);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new UnavailableError('Redis is unavailable.', err);
  } finally {
    clearTimeout(timer);
  }
}
