/**
 * Batches on the API side: accept (validate, store the items in one MULTI, queue the chunks in the
 * fair-share queue by the tenant's weight, then add their chunk jobs with one addBulk), read
 * status and result pages, cancel, wait for a small batch to finish, and hold the process's event
 * streams (bounded; one shared reader per batch).
 * A batch belongs to the tenant that created it: any other gets 404, as for an unknown batch.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { batchChunkEntry, batchChunkJobs } from '../../shared/jobs/batch-chunk-job.js';
import { FairChunkQueue } from '../../shared/fair-chunk-queue.js';
import { MAX_RESULTS_PAGE, type BatchResultsResponse } from '../../shared/batch-schemas.js';
import {
  BatchStore,
  isFinal,
  ownsBatch,
  type BatchState,
  type StoredItem,
} from '../../shared/batch-store.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import type { Config } from '../../shared/config.js';
import { AppError, NotFoundError, UnavailableError, ValidationError } from '../../shared/errors.js';
import type { EventBus } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { QUEUE_NAMES } from '../../shared/queues.js';
import { callbackUrlProblem } from '../../shared/webhook-address-guard.js';
import { enqueueWebhook } from '../../shared/batch-webhook.js';
import type { Tenant } from '../../shared/tenants.js';
import type { UsageStore } from '../../shared/usage/usage-store.js';
import type { CharBudget } from '../admission/char-budget.js';
import { EventStreamSlots, type EventStreamLimits } from '../admission/event-stream-slots.js';
import type { OpenWaits } from '../admission/open-waits.js';
import { BatchWatchers } from './batch-watchers.js';
import { streamBatchEvents } from './batch-events.js';
import { asksForIcu, parseBatchRequest } from './batch-request.js';
import type { GlossaryReader } from '../../shared/glossaries/glossary-reader.js';
import type { GlossaryRef } from '../../shared/provider-request/shape.js';
import { glossaryRef, loadIcuCheck } from '../protection/request-protection.js';
import { planChunks } from './batch-plan.js';
import { redisCall } from '../redis-call.js';
import type { ReleaseRegistry } from '../../shared/release-registry.js';

/** The batch side's settings, compiled from Config by api/api-options.ts. */
export interface BatchServiceOptions {
  /** QUEUE_PREFIX. */
  prefix: string;
  /** How long a batch and its results are kept (RESULT_TTL_S). */
  resultTtlS: number;
  /** Characters per chunk job (BATCH_CHUNK_MAX_CHARS). */
  chunkMaxChars: number;
  /** MAX_BATCH_ITEMS and MAX_TEXT_CHARS, for parsing a batch request. */
  limits: Pick<Config, 'MAX_BATCH_ITEMS' | 'MAX_TEXT_CHARS'>;
  /** WEBHOOK_SECRET (webhooks are off without it) and WEBHOOK_ALLOW_PRIVATE. */
  webhooks: { secret: string | undefined; allowPrivate: boolean };
  chunkJobOptions: DefaultJobOptions;
  webhookJobOptions: DefaultJobOptions;
  /** How often a followed batch is read, for its event streams and waits (BATCH_EVENTS_INTERVAL_MS). */
  eventsIntervalMs: number;
  /** MAX_EVENT_STREAMS and MAX_EVENT_STREAMS_PER_KEY. */
  eventStreams: EventStreamLimits;
}

export interface BatchServiceDeps {
  options: BatchServiceOptions;
  logger: Logger;
  /** The API's producer connection (fails fast). */
  redis: Redis;
  /** Daily character budgets shared with sync requests: a batch counts every item's characters. */
  budget?: CharBudget;
  /** Each key's usage (GET /v1/usage): an accepted batch counts its items. @default none (not counted) */
  usage?: Pick<UsageStore, 'record'>;
  /** Where accepted batches are reported (`batch:accepted`). @default none (nothing emitted) */
  events?: EventBus;
  /** Where the service registers the release of its queues. */
  releasers: ReleaseRegistry;
  /** MAX_OPEN_WAITS, shared with sync waits: a batch `Prefer: wait` holds a place. @default no bound */
  openWaits?: OpenWaits;
  /** The tenants' glossaries (items naming one get its version). @default none: every name is 404 */
  glossaries?: GlossaryReader;
}

export class BatchService {
  readonly store: BatchStore;
  private readonly chunks: Queue;
  private readonly fairChunks: FairChunkQueue;
  private readonly webhooks: Queue;
  private readonly streams = new Set<AbortController>();
  private readonly watchers: BatchWatchers;
  private readonly streamSlots: EventStreamSlots;

  constructor(private readonly deps: BatchServiceDeps) {
    const { options, redis, logger } = deps;
    this.store = new BatchStore(redis, options.prefix, options.resultTtlS);
    this.watchers = new BatchWatchers((id) => this.store.state(id), options.eventsIntervalMs);
    this.streamSlots = new EventStreamSlots(options.eventStreams);
    this.fairChunks = new FairChunkQueue(redis, options.prefix);
    this.chunks = new Queue(QUEUE_NAMES.translateBatch, {
      connection: redis,
      prefix: options.prefix,
      defaultJobOptions: options.chunkJobOptions,
    });
    this.webhooks = new Queue(QUEUE_NAMES.batchWebhook, {
      connection: redis,
      prefix: options.prefix,
      defaultJobOptions: options.webhookJobOptions,
    });
    for (const q of [this.chunks, this.webhooks]) {
      q.on('error', (err) => logger.debug({ err: err.message }, 'batch queue error'));
    }
    deps.releasers.add('batch queues', () =>
      Promise.allSettled([this.chunks.close(), this.webhooks.close()]),
    );
  }

  /**
   * Accepts a batch. An Idempotency-Key already used for the same request returns that batch
   * instead; used for a different request, it is refused (422), as the IETF Idempotency-Key draft
   * asks: the client has a bug, and answering with the other batch would hide it.
   */
  async submit(body: unknown, tenant: Tenant, idempotencyKey?: string): Promise<BatchState> {
    const { options } = this.deps;
    const owner = tenant.name;
    const icuCheck = asksForIcu(body) ? await loadIcuCheck() : undefined;
    const parsed = parseBatchRequest(body, batchLimits(options.limits, tenant), icuCheck);
    const glossaries = await this.glossaryRefs(parsed.items, owner);
    if (parsed.callbackUrl) await this.checkCallbackUrl(parsed.callbackUrl, tenant);

    const id = randomUUID();
    if (idempotencyKey) {
      // The parsed request, not the raw body: the same items sent with other key order or spacing
      // are the same request.
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([parsed.items, parsed.callbackUrl ?? null]))
        .digest('base64url');
      const claim = await this.redisCall(() =>
        this.store.claimIdempotencyKey(idempotencyKey, id, fingerprint),
      );
      if (claim.batchId !== id) {
        if (claim.fingerprint !== undefined && claim.fingerprint !== fingerprint) {
          throw new AppError('idempotency_key_reused', undefined, {
            details: [
              { path: 'headers.idempotency-key', message: `already used for batch ${claim.batchId}` },
            ],
          });
        }
        return await this.awaitCreated(claim.batchId, owner);
      }
    }
    const chunks = planChunks(parsed.items, options.chunkMaxChars, glossaries);
    const entries = chunks.map((chunk) => batchChunkEntry({ batch_id: id, ...chunk }));
    const now = Date.now();
    const chars = parsed.items.reduce((n, item) => n + countChars(item.s), 0);
    try {
      const { budget } = this.deps;
      if (budget?.appliesTo(tenant)) await this.redisCall(() => budget.reserve(chars, tenant));
      await this.redisCall(() =>
        this.store.create(id, parsed.items, chunks.length, {
          now,
          owner,
          ...(parsed.callbackUrl ? { callbackUrl: parsed.callbackUrl } : {}),
        }),
      );
      // Chunks before their jobs: a job never starts with nothing to take (shared/fair-chunk-queue.ts).
      await this.redisCall(() => this.fairChunks.enqueue(id, owner, tenant.weight, entries));
      await this.redisCall(() => this.chunks.addBulk(batchChunkJobs(entries.length)), 10_000);
    } catch (err) {
      // Nothing half-made stays behind: a retry with the same key starts afresh. Chunks left
      // pending when Redis went away are passed over (batch removed) or run, with jobs added for
      // them (batch not removed): shared/fair-chunk-queue.ts.
      await Promise.allSettled([
        this.store.remove(id),
        this.fairChunks.withdraw(id, entries),
        idempotencyKey ? this.store.releaseIdempotencyKey(idempotencyKey) : Promise.resolve(),
      ]);
      throw err;
    }
    await this.markQueued(id, entries.length);
    await this.keepWhileRunning(id);
    this.deps.logger.info(
      { batchId: id, items: parsed.items.length, chunks: chunks.length },
      'batch accepted',
    );
    this.deps.events?.emit('batch:accepted', { items: parsed.items.length, key: owner });
    // A repeated text of the batch is translated once (batch-plan.ts): its repeats cost nothing.
    const planned = chunks.reduce((n, chunk) => n + chunk.texts.reduce((m, t) => m + countChars(t), 0), 0);
    this.deps.usage?.record(owner, {
      requests: parsed.items.length,
      submitted: chars,
      cached: chars - planned,
    });
    return {
      id,
      status: 'running',
      total: parsed.items.length,
      completed: 0,
      failed: 0,
      cancelled: 0,
      cancelRequested: false,
      chunks: chunks.length,
      createdAt: now,
      owner,
    };
  }

  /** Not fatal when Redis fails here: the mark expires, and workers then count the chunks as jobless. */
  private async markQueued(id: string, chunks: number): Promise<void> {
    try {
      await this.redisCall(() => this.fairChunks.queued(id, chunks));
    } catch (err) {
      this.deps.logger.warn(
        { batchId: id, err: (err as Error).message },
        'batch chunks stay marked as queuing',
      );
    }
  }

  /**
   * From now on the batch's keys live until it ends, however long its chunks wait. Not fatal when
   * Redis fails here: the batch keeps its creation TTL, as every batch did before.
   */
  private async keepWhileRunning(id: string): Promise<void> {
    try {
      await this.redisCall(() => this.store.keepWhileRunning(id));
    } catch (err) {
      this.deps.logger.warn({ batchId: id, err: (err as Error).message }, 'batch keeps its creation TTL');
    }
  }

  /** The batch's state, for its owner; 404 for anyone else. */
  async state(id: string, owner: string): Promise<BatchState> {
    const state = await this.redisCall(() => this.store.state(id));
    if (!state || !ownsBatch(state, owner)) throw notFound(id);
    return state;
  }

  async results(id: string, offset: number, limit: number, owner: string): Promise<BatchResultsResponse> {
    const page = await this.redisCall(() => this.store.page(id, offset, limit));
    if (!page || !ownsBatch(page.state, owner)) throw notFound(id);
    const end = offset + page.items.length;
    return { items: page.items, next_offset: end < page.state.total ? end : null };
  }

  async cancel(id: string, owner: string): Promise<BatchState> {
    await this.state(id, owner); // another tenant's batch is never touched
    const outcome = await this.redisCall(() => this.store.cancel(id));
    if (!outcome) throw notFound(id);
    const state = await this.state(id, owner);
    if (outcome.finalized) await this.redisCall(() => enqueueWebhook(this.webhooks, state));
    return state;
  }

  /**
   * Waits until the batch is final or `ms` ran out, on the batch's shared reader (small batches
   * used synchronously). The wait counts toward MAX_OPEN_WAITS with sync waits; when that is
   * reached it is not held (`held: false`) and the client is answered at once.
   */
  async waitFinished(
    id: string,
    owner: string,
    ms: number,
    signal?: AbortSignal,
  ): Promise<{ state: BatchState; held: boolean }> {
    const state = await this.state(id, owner);
    if (isFinal(state.status) || ms <= 0) return { state, held: true };
    const release = this.deps.openWaits ? this.deps.openWaits.hold() : () => undefined;
    if (!release) return { state, held: false };
    try {
      return { state: await this.followUntilFinal(id, state, ms, signal), held: true };
    } finally {
      release();
    }
  }

  /** The first results page of a batch (the 200 of a batch wait): at most MAX_RESULTS_PAGE items. */
  firstPage(id: string, owner: string): Promise<BatchResultsResponse> {
    return this.results(id, 0, MAX_RESULTS_PAGE, owner);
  }

  /**
   * GET /v1/batches/{id}/events: streams the batch's progress until it ends or the client leaves.
   * Takes an event stream slot of `client` first: 429 (JSON, before the stream starts) past
   * MAX_EVENT_STREAMS_PER_KEY or MAX_EVENT_STREAMS.
   */
  async streamEvents(id: string, owner: string, client: string, req: Request, res: Response): Promise<void> {
    // 404 as JSON before the stream starts, for an unknown batch and for another tenant's alike.
    await this.state(id, owner);
    const release = this.streamSlots.take(client);
    const stream = new AbortController();
    this.streams.add(stream);
    res.on('close', () => stream.abort());
    try {
      await streamBatchEvents({
        res,
        watchers: this.watchers,
        batchId: id,
        lastEventId: req.get('last-event-id'),
        signal: stream.signal,
      });
    } finally {
      this.streams.delete(stream);
      release();
    }
  }

  /** Ends every SSE stream (at shutdown: their clients reconnect to another instance). */
  endStreams(): void {
    for (const stream of this.streams) stream.abort();
  }

  private followUntilFinal(
    id: string,
    initial: BatchState,
    ms: number,
    signal: AbortSignal | undefined,
  ): Promise<BatchState> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve(initial);
        return;
      }
      let latest = initial;
      const done = () => {
        clearTimeout(timer);
        unwatch();
        signal?.removeEventListener('abort', done);
        resolve(latest);
      };
      // Never called synchronously, so `done` only runs once `timer` and `unwatch` exist.
      const unwatch = this.watchers.watch(id, (reading) => {
        // Redis away or the batch expired: answer with what is known (the route reads it again).
        if (!('state' in reading) || !reading.state) return done();
        latest = reading.state;
        if (isFinal(latest.status)) done();
      });
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The glossaries the items name, at their current versions; 404 for a name the owner does not have. */
  private async glossaryRefs(items: readonly StoredItem[], owner: string): Promise<Map<string, GlossaryRef>> {
    const names = new Set<string>();
    for (const item of items) if (item.g !== undefined) names.add(item.g);
    const refs = new Map<string, GlossaryRef>();
    for (const name of names) {
      refs.set(name, await this.redisCall(() => glossaryRef(this.deps.glossaries, owner, name)));
    }
    return refs;
  }

  private async checkCallbackUrl(url: string, tenant: Tenant): Promise<void> {
    const { webhooks } = this.deps.options;
    // A key's own webhook secret (API_KEYS_FILE) signs its webhooks; WEBHOOK_SECRET those of the others.
    if (!webhooks.secret && !tenant.webhookSecret) {
      throw new ValidationError([
        {
          path: 'body.callback_url',
          message:
            'webhooks are not enabled for this key (neither its webhook_secret nor WEBHOOK_SECRET is set)',
        },
      ]);
    }
    const problem = await callbackUrlProblem(url, webhooks.allowPrivate);
    if (problem) {
      throw new ValidationError([{ path: 'body.callback_url', message: `refused: ${problem}` }]);
    }
  }

  /** A concurrent request with the same Idempotency-Key may still be writing its batch. */
  private async awaitCreated(id: string, owner: string): Promise<BatchState> {
    for (let i = 0; i < 40; i++) {
      const state = await this.redisCall(() => this.store.state(id));
      // Idempotency keys are per client, so the batch is the caller's; checked all the same.
      if (state && !ownsBatch(state, owner)) throw notFound(id);
      if (state) return state;
      await sleep(50);
    }
    throw new UnavailableError('The batch for this Idempotency-Key is still being created.');
  }

  private redisCall<T>(fn: () => Promise<T>, timeoutMs?: number): Promise<T> {
    return redisCall(this.deps.redis, fn, timeoutMs);
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No batch ${id} (unknown, or it has expired).`);
}

/** The item limit of a batch of `tenant`: its own max_batch_items, never above MAX_BATCH_ITEMS. */
function batchLimits(limits: BatchServiceOptions['limits'], tenant: Tenant): BatchServiceOptions['limits'] {
  const own = tenant.limits.max_batch_items;
  return own === undefined || own >= limits.MAX_BATCH_ITEMS ? limits : { ...limits, MAX_BATCH_ITEMS: own };
}
