/**
 * Per-client request rate limit, shared by every API process through one Redis counter per client
 * and window. The client is the API key (its digest) when keys are on, otherwise the peer address.
 * The limit is the key's own `requests_per_min` (API_KEYS_FILE) when it has one, else
 * `RATE_LIMIT_PER_MIN`. Fails open: while Redis is away the routes answer 503 anyway.
 */
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import { RedisKeys } from '../../shared/redis/keys.js';
import { redisScripts } from '../../shared/redis/scripts.js';
import type { Tenant } from '../../shared/tenants.js';

const WINDOW_MS = 60_000;

/** The requests per minute a request's key may make; 0: no limit. */
export function requestsPerMinute(tenant: Tenant | undefined, perMinute: number): number {
  return tenant?.limits.requests_per_min || perMinute;
}

/** Whether any request can be limited: a default limit, or a key with a limit of its own. */
export function rateLimited(tenants: readonly Tenant[], perMinute: number): boolean {
  return perMinute > 0 || tenants.some((t) => requestsPerMinute(t, 0) > 0);
}

export function rateLimit(options: {
  redis: Redis;
  prefix: string;
  /** RATE_LIMIT_PER_MIN: the limit of every key without its own (and of every client without keys); 0: none. */
  perMinute: number;
}): RequestHandler {
  const { redis, prefix } = options;
  // One round trip per request (hit-rate-limit-1.lua): count the hit, start the window on the first.
  const scripts = redisScripts(redis);
  const keys = new RedisKeys(prefix);
  return async (req, res, next) => {
    // requireApiKey named the tenant first.
    const perMinute = requestsPerMinute(res.locals.tenant as Tenant | undefined, options.perMinute);
    if (perMinute <= 0 || redis.status !== 'ready') {
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
