/**
 * Batches on the API side: accept (validate, store the items in one MULTI, add every chunk job
 * with one addBulk), read status and result pages, cancel, wait for a small batch to finish.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { batchChunkJob } from '../../shared/jobs/batch-chunk-job.js';
import type { BatchResultsResponse } from '../../shared/batch-schemas.js';
import { BatchStore, isFinal, type BatchState } from '../../shared/batch-store.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import type { Config } from '../../shared/config.js';
import { AppError, NotFoundError, UnavailableError, ValidationError } from '../../shared/errors.js';
import type { EventBus } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { QUEUE_NAMES } from '../../shared/queues.js';
import { callbackUrlProblem } from '../../shared/webhook-address-guard.js';
import { enqueueWebhook } from '../../shared/batch-webhook.js';
import type { CharBudget } from '../admission/char-budget.js';
import { parseBatchRequest } from './batch-request.js';
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
}

export interface BatchServiceDeps {
  options: BatchServiceOptions;
  logger: Logger;
  /** The API's producer connection (fails fast). */
  redis: Redis;
  /** Daily character budget shared with sync requests: a batch counts every item's characters. */
  budget?: CharBudget;
  /** Where accepted batches are reported (`batch:accepted`). @default none (nothing emitted) */
  events?: EventBus;
  /** Where the service registers the release of its queues. */
  releasers: ReleaseRegistry;
}

export class BatchService {
  readonly store: BatchStore;
  private readonly chunks: Queue;
  private readonly webhooks: Queue;
  private readonly streams = new Set<AbortController>();

  constructor(private readonly deps: BatchServiceDeps) {
    const { options, redis, logger } = deps;
    this.store = new BatchStore(redis, options.prefix, options.resultTtlS);
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
  async submit(body: unknown, idempotencyKey?: string): Promise<BatchState> {
    const { options } = this.deps;
    const parsed = parseBatchRequest(body, options.limits);
    if (parsed.callbackUrl) await this.checkCallbackUrl(parsed.callbackUrl);

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
        return await this.awaitCreated(claim.batchId);
      }
    }
    const chunks = planChunks(parsed.items, options.chunkMaxChars);
    const now = Date.now();
    try {
      const { budget } = this.deps;
      if (budget?.enabled) {
        const chars = parsed.items.reduce((n, item) => n + countChars(item.s), 0);
        await this.redisCall(() => budget.reserve(chars));
      }
      await this.redisCall(() =>
        this.store.create(id, parsed.items, chunks.length, {
          now,
          ...(parsed.callbackUrl ? { callbackUrl: parsed.callbackUrl } : {}),
        }),
      );
      await this.redisCall(
        () => this.chunks.addBulk(chunks.map((chunk) => batchChunkJob({ batch_id: id, ...chunk }))),
        10_000,
      );
    } catch (err) {
      // Nothing half-made stays behind: a retry with the same key starts afresh.
      await Promise.allSettled([
        this.store.remove(id),
        idempotencyKey ? this.store.releaseIdempotencyKey(idempotencyKey) : Promise.resolve(),
      ]);
      throw err;
    }
    await this.keepWhileRunning(id);
    this.deps.logger.info(
      { batchId: id, items: parsed.items.length, chunks: chunks.length },
      'batch accepted',
    );
    this.deps.events?.emit('batch:accepted', { items: parsed.items.length });
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
    };
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

  async state(id: string): Promise<BatchState> {
    const state = await this.redisCall(() => this.store.state(id));
    if (!state) throw notFound(id);
    return state;
  }

  async results(id: string, offset: number, limit: number): Promise<BatchResultsResponse> {
    const page = await this.redisCall(() => this.store.page(id, offset, limit));
    if (!page) throw notFound(id);
    const end = offset + page.items.length;
    return { items: page.items, next_offset: end < page.state.total ? end : null };
  }

  async cancel(id: string): Promise<BatchState> {
    const outcome = await this.redisCall(() => this.store.cancel(id));
    if (!outcome) throw notFound(id);
    const state = await this.state(id);
    if (outcome.finalized) await this.redisCall(() => enqueueWebhook(this.webhooks, state));
    return state;
  }

  /** Polls the batch until it is final or `ms` ran out (small batches used synchronously). */
  async waitFinished(id: string, ms: number, signal?: AbortSignal): Promise<BatchState> {
    const end = Date.now() + ms;
    let state = await this.state(id);
    while (!isFinal(state.status) && Date.now() < end && !signal?.aborted) {
      await sleep(Math.min(50, Math.max(1, end - Date.now())));
      state = await this.state(id);
    }
    return state;
  }

  /** Registers an SSE stream so close() can end it (its client reconnects elsewhere with Last-Event-ID). */
  trackStream(): AbortController {
    const controller = new AbortController();
    this.streams.add(controller);
    controller.signal.addEventListener('abort', () => this.streams.delete(controller), { once: true });
    return controller;
  }

  /** Ends every SSE stream (at shutdown: their clients reconnect to another instance). */
  endStreams(): void {
    for (const stream of this.streams) stream.abort();
  }

  private async checkCallbackUrl(url: string): Promise<void> {
    const { webhooks } = this.deps.options;
    if (!webhooks.secret) {
      throw new ValidationError([
        { path: 'body.callback_url', message: 'webhooks are not enabled on this server (no WEBHOOK_SECRET)' },
      ]);
    }
    const problem = await callbackUrlProblem(url, webhooks.allowPrivate);
    if (problem) {
      throw new ValidationError([{ path: 'body.callback_url', message: `refused: ${problem}` }]);
    }
  }

  /** A concurrent request with the same Idempotency-Key may still be writing its batch. */
  private async awaitCreated(id: string): Promise<BatchState> {
    for (let i = 0; i < 40; i++) {
      const state = await this.redisCall(() => this.store.state(id));
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
