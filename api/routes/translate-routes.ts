import { Router } from 'express';
import { translateRequestSchema } from '../../shared/schemas.js';
import { requestTenant } from '../http/api-keys.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { preferredWaitMs } from '../http/prefer-wait.js';
import { validate } from '../http/validate.js';
import type { TranslationService } from '../sync/translation-service.js';

export interface TranslateRouteOptions {
  /** Longest text accepted (MAX_TEXT_CHARS). */
  maxTextChars: number;
  /** Largest JSON body (MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Wait for the result without a `Prefer: wait` (SYNC_WAIT_MS), and the longest wait asked (SYNC_WAIT_MAX_MS). */
  syncWaitMs: number;
  syncWaitMaxMs: number;
}

export function translateRoutes(options: TranslateRouteOptions, service: TranslationService): Router {
  const router = Router();
  const schema = translateRequestSchema(options.maxTextChars);

  router
    .route('/v1/translate')
    .post(...jsonBody(options.maxBodyBytes), async (req, res) => {
      const request = validate(schema, req.body);
      const waitMs = preferredWaitMs(req.get('prefer'), options.syncWaitMs, options.syncWaitMaxMs);
      // A client that goes away stops waiting (the response is the signal); its job still
      // completes and can be fetched.
      // The service reports the outcome (translate:submitted), for metrics.
      const result = await service.submit(
        request,
        requestTenant(res),
        waitMs,
        res,
        String(res.getHeader('X-Request-Id') ?? ''),
      );
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
