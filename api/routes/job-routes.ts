import { Router } from 'express';
import { NotFoundError } from '../../shared/errors.js';
import { jobId } from '../../shared/schemas.js';
import { requestTenant } from '../http/api-keys.js';
import { methodNotAllowed } from '../http/error-handler.js';
import type { TranslationService } from '../sync/translation-service.js';

export function jobRoutes(service: TranslationService): Router {
  const router = Router();
  router
    .route('/v1/jobs/:id')
    .get(async (req, res) => {
      const id = jobId.safeParse(req.params.id);
      if (!id.success) throw new NotFoundError(`No job ${JSON.stringify(req.params.id).slice(0, 80)}.`);
      res.locals.jobId = id.data;
      res.json(await service.getJob(id.data, requestTenant(res)));
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
