/**
 * /v1/glossaries: a tenant's glossaries (shared/glossaries/glossary-store.ts). Every route works on
 * the request's tenant only, so another key's glossary of the same name is simply not there (404),
 * as with jobs and batches. Loaded on the first glossary request (app.ts): most API processes
 * never serve one.
 */
import { Router, type Response } from 'express';
import type { Redis } from 'ioredis';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { GLOSSARY_BODY_LIMIT_BYTES, glossaryBody } from '../../shared/glossaries/glossary-schema.js';
import type { GlossaryStore, StoredGlossary } from '../../shared/glossaries/glossary-store.js';
import { glossaryName } from '../../shared/schemas.js';
import { requestTenant } from '../http/api-keys.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { validate } from '../http/validate.js';
import { redisCall } from '../redis-call.js';

/**
 * What a client sees of a glossary: everything but its owner (always the client itself), with its
 * entry count as the list shows it; `entries` only when asked for the one glossary.
 */
function glossaryResponse(glossary: StoredGlossary, withEntries: boolean) {
  const { owner: _owner, entries, ...rest } = glossary;
  return { ...rest, entry_count: entries.length, ...(withEntries ? { entries } : {}) };
}

function notFound(name: string): NotFoundError {
  return new NotFoundError(`No glossary named ${JSON.stringify(name).slice(0, 80)}.`);
}

/** A name that no glossary can have is not found when read, and a validation error when written. */
function readableName(raw: string): string {
  if (!glossaryName.safeParse(raw).success) throw notFound(raw);
  return raw;
}

const owner = (res: Response): string => requestTenant(res).name;

/** `redis`: the store's connection, so a call while Redis is away is a 503 at once, not a hang. */
export function glossaryRoutes(store: GlossaryStore, redis: Redis): Router {
  const router = Router();
  const call = <T>(fn: () => Promise<T>) => redisCall(redis, fn);

  router
    .route('/v1/glossaries')
    .get(async (_req, res) => {
      const glossaries = await call(() => store.list(owner(res)));
      res.json({ glossaries: glossaries.map(({ owner: _owner, ...summary }) => summary) });
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/v1/glossaries/:name')
    .put(...jsonBody(GLOSSARY_BODY_LIMIT_BYTES), async (req, res) => {
      const name = glossaryName.safeParse(req.params.name);
      if (!name.success) {
        throw new ValidationError([{ path: 'params.name', message: name.error.issues[0]!.message }]);
      }
      const body = validate(glossaryBody, req.body);
      const { glossary, created } = await call(() => store.put(owner(res), name.data, body));
      if (created) res.location(`/v1/glossaries/${name.data}`);
      res.status(created ? 201 : 200).json(glossaryResponse(glossary, false));
    })
    .get(async (req, res) => {
      const name = readableName(req.params.name);
      const glossary = await call(() => store.get(owner(res), name));
      if (!glossary) throw notFound(name);
      res.json(glossaryResponse(glossary, true));
    })
    .delete(async (req, res) => {
      const name = readableName(req.params.name);
      if (!(await call(() => store.delete(owner(res), name)))) throw notFound(name);
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));

  return router;
}
