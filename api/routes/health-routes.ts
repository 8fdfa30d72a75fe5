import { Router } from 'express';
import type { Redis } from 'ioredis';
import { UnavailableError } from '../../shared/errors.js';
import { withTimeout } from '../../shared/timeout.js';

/** A readiness probe answers within a second: a Redis slower than that is not ready. */
const READINESS_PING_MS = 1000;

export interface HealthState {
  redis: Redis;
  /** True once shutdown began: readiness fails at once so load balancers stop sending traffic. */
  draining: () => boolean;
}

export function healthRoutes({ redis, draining }: HealthState): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (draining()) throw new UnavailableError('Shutting down.');
    if (redis.status !== 'ready') throw new UnavailableError('Redis is unavailable.');
    const ping = await withTimeout(
      redis.ping().catch(() => 'error'),
      READINESS_PING_MS,
      () => 'timeout',
    );
    if (ping !== 'PONG') throw new UnavailableError('Redis is unavailable.');
    res.json({ status: 'ready' });
  });
  return router;
}
