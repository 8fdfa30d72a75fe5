/**
 * GET /v1/languages and POST /v1/detect. Loaded on the first request for either
 * (api/http/lazy-routes.ts), with the service behind them (api/sync/language-service.ts).
 */
import { Router, type Response } from 'express';
import {
  DEFAULT_LANGUAGES_TARGET,
  detectRequestSchema,
  languagesQuerySchema,
  type DetectManyResponse,
  type DetectResponse,
  type LanguagesResponse,
} from '../../shared/language-schemas.js';
import { requestTenant } from '../http/api-keys.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { validate } from '../http/validate.js';
import type { LanguageService } from '../sync/language-service.js';

export interface LanguageRouteOptions {
  /** Longest text accepted (MAX_TEXT_CHARS). */
  maxTextChars: number;
  /** Largest JSON body (MAX_BODY_BYTES). */
  maxBodyBytes: number;
}

export function languageRoutes(options: LanguageRouteOptions, service: LanguageService): Router {
  const router = Router();
  const detectSchema = detectRequestSchema(options.maxTextChars);

  router
    .route('/v1/languages')
    .get(async (req, res) => {
      const { target = DEFAULT_LANGUAGES_TARGET } = validate(languagesQuerySchema, req.query, 'query');
      const body: LanguagesResponse = { languages: await service.languages(target, requestId(res)) };
      res.json(body);
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/v1/detect')
    .post(...jsonBody(options.maxBodyBytes), async (req, res) => {
      const request = validate(detectSchema, req.body);
      // The schema lets exactly one of the two through.
      const texts = request.src_texts ?? [request.src_text!];
      // A client that goes away stops waiting (the response is the signal).
      const detections = await service.detect(texts, requestTenant(res), res, requestId(res));
      if (request.src_texts) {
        const body: DetectManyResponse = { detections };
        res.json(body);
        return;
      }
      const body: DetectResponse = detections[0]!;
      res.json(body);
    })
    .all(methodNotAllowed(['POST']));

  return router;
}

function requestId(res: Response): string {
  return String(res.getHeader('X-Request-Id') ?? '');
}
