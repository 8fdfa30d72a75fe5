/**
 * Per-client request rate limit (`RATE_LIMIT_PER_MIN`), shared by every API process through one
 * Redis counter per client and window. The client is the API key (its digest) when keys are on,
 * otherwise the peer address. Fails open: while Redis is away the routes answer 503 anyway.
 */
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';

const WINDOW_MS = 60_000;

// One round trip: count the hit, start the window on the first one, report what is left of it.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

type RateLimitRedis = Redis & {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
};

export function rateLimit(options: { redis: Redis; prefix: string; perMinute: number }): RequestHandler {
  const { redis, prefix, perMinute } = options;
  if (perMinute <= 0) return (_req, _res, next) => next();
  if (!('rateLimitHit' in redis)) redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  const limited = redis as RateLimitRedis;
  return async (req, res, next) => {
    if (redis.status !== 'ready') {
      next();
      return;
    }
    const client = (res.locals.clientId as string | undefined) ?? `ip:${req.ip ?? 'unknown'}`;
    let hits: number;
    let ttlMs: number;
    try {
      [hits, ttlMs] = await limited.rateLimitHit(`${prefix}:ratelimit:${client}`, WINDOW_MS);
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
