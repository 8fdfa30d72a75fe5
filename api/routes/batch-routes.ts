import { Router, type Request, type Response } from 'express';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { batchResultsQuery } from '../../shared/batch-schemas.js';
import { toStatusResponse, isFinal } from '../../shared/batch-store.js';
import { uuid } from '../../shared/schemas.js';
import type { BatchService } from '../batches/batch-service.js';
import { requestTenant } from '../http/api-keys.js';
import { methodNotAllowed } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { preferredWaitMs } from '../http/prefer-wait.js';
import { validate } from '../http/validate.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface BatchRouteOptions {
  /** Largest batch body (MAX_BATCH_BODY_BYTES). */
  maxBodyBytes: number;
  /** Longest `Prefer: wait` honoured (SYNC_WAIT_MAX_MS). */
  syncWaitMaxMs: number;
}

/** Whose event streams these are (MAX_EVENT_STREAMS_PER_KEY): the API key, or the address without keys. */
function streamClient(req: Request, res: Response): string {
  return typeof res.locals.clientId === 'string' ? res.locals.clientId : `ip:${req.ip ?? 'unknown'}`;
}

/** Waits for the batch within `waitMs` (counted in MAX_OPEN_WAITS); the answer when it finished. */
async function finishedAnswer(
  service: BatchService,
  id: string,
  owner: string,
  waitMs: number,
  res: Response,
): Promise<Record<string, unknown> | undefined> {
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const { state, held } = await service.waitFinished(id, owner, waitMs, abort.signal);
  if (held) res.setHeader('Preference-Applied', `wait=${Math.round(waitMs / 1000)}`);
  if (!isFinal(state.status)) return undefined;
  // One results page at most, like GET /results: the rest follows from `next_offset`.
  return { ...toStatusResponse(state), ...(await service.firstPage(id, owner)) };
}

export function batchRoutes(options: BatchRouteOptions, service: BatchService): Router {
  const router = Router();

  const batchId = (raw: unknown): string => {
    const id = uuid.safeParse(raw);
    if (!id.success) throw new NotFoundError(`No batch ${JSON.stringify(String(raw)).slice(0, 80)}.`);
    return id.data;
  };
  const links = (id: string) => ({
    self: `/v1/batches/${id}`,
    results: `/v1/batches/${id}/results`,
    events: `/v1/batches/${id}/events`,
  });

  router
    .route('/v1/batches')
    .post(...jsonBody(options.maxBodyBytes), async (req, res) => {
      const key = req.get('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new ValidationError([
          { path: 'headers.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' },
        ]);
      }
      // No wait unless the client asks for one: batches are asynchronous by default.
      const waitMs = preferredWaitMs(req.get('prefer'), 0, options.syncWaitMaxMs);
      // Idempotency keys are per client: two API keys using the same key get their own batches.
      const clientId = typeof res.locals.clientId === 'string' ? res.locals.clientId : '';
      const tenant = requestTenant(res);
      const owner = tenant.name;
      const state = await service.submit(
        req.body,
        tenant,
        key === undefined ? undefined : `${clientId}|${key}`,
      );
      const finished = waitMs > 0 ? await finishedAnswer(service, state.id, owner, waitMs, res) : undefined;
      res.location(`/v1/batches/${state.id}`);
      if (finished) {
        res.status(200).json(finished);
        return;
      }
      res.status(202).json({
        batch_id: state.id,
        status: state.status,
        total: state.total,
        links: links(state.id),
      });
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/v1/batches/:id')
    .get(async (req, res) => {
      res.json(toStatusResponse(await service.state(batchId(req.params.id), requestTenant(res).name)));
    })
    .delete(async (req, res) => {
      const state = await service.cancel(batchId(req.params.id), requestTenant(res).name);
      res.status(isFinal(state.status) ? 200 : 202).json(toStatusResponse(state));
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  router
    .route('/v1/batches/:id/results')
    .get(async (req, res) => {
      const id = batchId(req.params.id);
      const { offset, limit } = validate(batchResultsQuery, req.query, 'query');
      res.json(await service.results(id, offset, limit, requestTenant(res).name));
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/v1/batches/:id/events')
    .get(async (req, res) => {
      const id = batchId(req.params.id);
      await service.streamEvents(id, requestTenant(res).name, streamClient(req, res), req, res);
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
