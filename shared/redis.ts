/**
 * Redis connections. Two roles with different failure behaviour (BullMQ's production guide):
 * - `producer` (API): fail fast. Commands are not queued while Redis is away, so a request gets
 *   503 at once instead of hanging.
 * - `blocking` (workers, QueueEvents): `maxRetriesPerRequest: null`, reconnect forever; these
 *   connections must survive a Redis restart by themselves.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'producer' | 'blocking';

export function redisOptions(role: RedisRole): RedisOptions {
  const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2000);
  return role === 'producer'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy }
    : { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy };
}

/** Creates a connection from a `redis://` or `rediss://` URL (TLS, user and password come from the URL). */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  return new Redis(url, { ...redisOptions(role), ...extra });
}

/** Deletes every key under a BullMQ prefix (tests and benchmarks clean up after themselves). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  // Escape glob characters: prefixes may be hash-tagged like {translate}.
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
