/**
 * Limits guessing of the shared secrets (ADMIN_TOKEN on /admin/queues, METRICS_TOKEN on /metrics):
 * failed attempts are counted per client IP, and after AUTH_FAILURE_LIMIT.failures of them in one
 * window the client gets 429 `rate_limited` with Retry-After until the window ends, even with the
 * right secret (otherwise a 200 among the 429s would still confirm a guess).
 *
 * The counters live in Redis (shared/redis/keys.ts `authFailures`), so every API process shares
 * them and adding replicas does not multiply the attempts. While Redis is away the limit is not
 * applied (fails open): /metrics must stay scrapeable during a Redis outage, which is when it is
 * needed, and the secret itself still guards the route (16 characters at least: not guessable in
 * the minutes of an outage).
 *
 * The client is `req.ip`: behind a load balancer set TRUST_PROXY, or every client shares the
 * balancer's address (and its count).
 */
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import { RedisKeys } from '../../shared/redis/keys.js';
import { redisScripts } from '../../shared/redis/scripts.js';

/** Failed attempts a client IP may make per window before it gets 429. */
export const AUTH_FAILURE_LIMIT = { failures: 10, windowMs: 60_000 } as const;

export interface FailedAuthLimitOptions {
  /** The API's producer connection (its status tells whether Redis is reachable). */
  redis: Redis;
  /** QUEUE_PREFIX. */
  prefix: string;
  /** Which secret is guarded; each has its own counters (`admin`, `metrics`). */
  guard: 'admin' | 'metrics';
}

export interface FailedAuthLimit {
  /**
   * Runs `check` (true when the request carries the secret) unless the client is locked out.
   * Resolves when it may pass; rejects with 429 `rate_limited` when locked out, or with
   * `unauthorized` (counting the failure) when the check fails.
   */
  guard(req: Request, check: () => boolean, unauthorized: () => AppError): Promise<void>;
}

export function failedAuthLimit({ redis, prefix, guard }: FailedAuthLimitOptions): FailedAuthLimit {
  const keys = new RedisKeys(prefix);
  const scripts = redisScripts(redis);
  const usable = () => redis.status === 'ready';

  /** Milliseconds the client stays locked out, or 0. */
  const lockedFor = async (key: string): Promise<number> => {
    if (!usable()) return 0;
    try {
      const [count, ttlMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
      return Number(count ?? 0) >= AUTH_FAILURE_LIMIT.failures ? Math.max(ttlMs, 1) : 0;
    } catch {
      return 0;
    }
  };

  const countFailure = async (key: string): Promise<void> => {
    if (!usable()) return;
    try {
      await scripts.hitRateLimit(key, AUTH_FAILURE_LIMIT.windowMs);
    } catch {
      // Not counted: see the header (fails open).
    }
  };

  return {
    async guard(req, check, unauthorized) {
      const key = keys.authFailures(guard, `ip:${req.ip ?? 'unknown'}`);
      const lockedMs = await lockedFor(key);
      if (lockedMs > 0) {
        throw new AppError('rate_limited', 'Too many failed attempts; retry later.', {
          headers: { 'Retry-After': String(Math.ceil(lockedMs / 1000)) },
        });
      }
      if (check()) return;
      await countFailure(key);
      throw unauthorized();
    },
  };
}
