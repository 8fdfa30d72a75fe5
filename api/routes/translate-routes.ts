import { Router } from 'express';
import type { Config } from '../../shared/config.js';
import { translateRequestSchema } from '../../shared/schemas.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { preferredWaitMs } from '../http/prefer-wait.js';
import { validate } from '../http/validate.js';
import type { TranslationService } from '../translation-service.js';

export function translateRoutes(config: Config, service: TranslationService): Router {
  const router = Router();
  const schema = translateRequestSchema(config.MAX_TEXT_CHARS);

  router
    .route('/v1/translate')
    .post(...jsonBody(config.MAX_BODY_BYTES), async (req, res) => {
      const request = validate(schema, req.body);
      const waitMs = preferredWaitMs(req.get('prefer'), config.SYNC_WAIT_MS, config.SYNC_WAIT_MAX_MS);
      // A client that goes away stops waiting (the response is the signal); its job still
      // completes and can be fetched.
      // The service reports the outcome (translate:submitted), for metrics.
      const result = await service.submit(request, waitMs, res, String(res.getHeader('X-Request-Id') ?? ''));
      res.locals.jobId = result.kind === 'done' ? result.response.job_id : result.jobId;
      if (req.get('prefer')) res.setHeader('Preference-Applied', `wait=${Math.round(waitMs / 1000)}`);
      if (result.kind === 'done') {
        res.json(result.response);
        return;
      }
      res.status(202).location(`/v1/jobs/${result.jobId}`).json({ job_id: result.jobId, status: 'queued' });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
