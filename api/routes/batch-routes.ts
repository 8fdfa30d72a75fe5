import { Router } from 'express';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { batchResultsQuery } from '../../shared/batch-schemas.js';
import { toStatusResponse, isFinal, type BatchState } from '../../shared/batch-store.js';
import { uuid } from '../../shared/schemas.js';
import { streamBatchEvents } from '../batches/batch-events.js';
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
  /** How often an event stream reads the batch (BATCH_EVENTS_INTERVAL_MS). */
  eventsIntervalMs: number;
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
      const owner = requestTenant(res).name;
      const state = await service.submit(
        req.body,
        owner,
        key === undefined ? undefined : `${clientId}|${key}`,
      );
      let current: BatchState = state;
      if (waitMs > 0) {
        const abort = new AbortController();
        res.on('close', () => abort.abort());
        current = await service.waitFinished(state.id, owner, waitMs, abort.signal);
        res.setHeader('Preference-Applied', `wait=${Math.round(waitMs / 1000)}`);
      }
      res.location(`/v1/batches/${state.id}`);
      if (waitMs > 0 && isFinal(current.status)) {
        const { items } = await service.results(state.id, 0, current.total, owner);
        res.status(200).json({ ...toStatusResponse(current), items });
        return;
      }
      res.status(202).json({
        batch_id: current.id,
        status: current.status,
        total: current.total,
        links: links(current.id),
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
      // 404 as JSON before the stream starts, for an unknown batch and for another tenant's alike.
      await service.state(id, requestTenant(res).name);
      const stream = service.trackStream();
      res.on('close', () => stream.abort());
      await streamBatchEvents({
        res,
        store: service.store,
        batchId: id,
        lastEventId: req.get('last-event-id'),
        intervalMs: options.eventsIntervalMs,
        signal: stream.signal,
      });
      stream.abort();
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
