import { Router } from 'express';
import type { Redis } from 'ioredis';
import { ValidationError } from '../../shared/errors.js';
import { usageRange } from '../../shared/usage/usage-days.js';
import { toUsageResponse, usageQuery } from '../../shared/usage/usage-report.js';
import type { UsageStore } from '../../shared/usage/usage-store.js';
import { requestTenant } from '../http/api-keys.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { validate } from '../http/validate.js';
import { redisCall } from '../redis-call.js';

/** GET /v1/usage: the asking key's own usage per UTC day, never another key's. */
export function usageRoutes(usage: Pick<UsageStore, 'read'>, redis: Redis): Router {
  const router = Router();
  router
    .route('/v1/usage')
    .get(async (req, res) => {
      const range = usageRange(validate(usageQuery, req.query, 'query'), Date.now());
      if ('problem' in range) throw new ValidationError([range.problem]);
      const key = requestTenant(res).name;
      res.json(toUsageResponse(key, await redisCall(redis, () => usage.read(key, range.days))));
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
