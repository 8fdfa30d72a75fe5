/**
 * Per-client request rate limit (`RATE_LIMIT_PER_MIN`), shared by every API process through one
 * Redis counter per client and window. The client is the API key (its digest) when keys are on,
 * otherwise the peer address. Fails open: while Redis is away the routes answer 503 anyway.
 */
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import { RedisKeys } from '../../shared/redis/keys.js';
import { redisScripts } from '../../shared/redis/scripts.js';

const WINDOW_MS = 60_000;

export function rateLimit(options: { redis: Redis; prefix: string; perMinute: number }): RequestHandler {
  const { redis, prefix, perMinute } = options;
  if (perMinute <= 0) return (_req, _res, next) => next();
  // One round trip per request (hit-rate-limit-1.lua): count the hit, start the window on the first.
  const scripts = redisScripts(redis);
  const keys = new RedisKeys(prefix);
  return async (req, res, next) => {
    if (redis.status !== 'ready') {
      next();
      return;
    }
    const client = (res.locals.clientId as string | undefined) ?? `ip:${req.ip ?? 'unknown'}`;
    let hits: number;
    let ttlMs: number;
    try {
      [hits, ttlMs] = await scripts.hitRateLimit(keys.rateLimit(client), WINDOW_MS);
    } catch {
      next();
      return;
    }
    res.setHeader('RateLimit-Policy', `${perMinute};w=60`);
    if (hits > perMinute) {
      next(
        new AppError('rate_limited', `More than ${perMinute} requests per minute; retry later.`, {
          headers: { 'Retry-After': String(Math.max(1, Math.ceil(ttlMs / 1000))) },
        }),
      );
      return;
    }
    next();
  };
}
