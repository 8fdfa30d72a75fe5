/**
 * GET /v1/languages and POST /v1/detect: the API never calls the provider itself. A language list
 * is answered from its Redis cache (a day, shared by every tenant: it is not tenant data);
 * otherwise, and for every detection, the request becomes a job of the `provider-info` queue that
 * a worker runs under the provider's limits, and the client waits for it with the sync path's
 * machinery (job-waiter.ts: one events reader for the queue, a sweep for missed events).
 *
 * These jobs have no readable id, so a client is never answered 202: when the wait runs out
 * (SYNC_WAIT_MS) it gets 503 `unavailable` and retries; a language list fetched meanwhile is
 * cached for the retry.
 */
import { randomUUID } from 'node:crypto';
import { QueueEvents, type DefaultJobOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, UnavailableError } from '../../shared/errors.js';
import { decodeJobFailure } from '../../shared/jobs/job-failure.js';
import type { z } from 'zod';
import {
  detectJobResult,
  languagesJobResult,
  providerInfoJob,
  type ProviderInfoJobData,
} from '../../shared/jobs/provider-info-job.js';
import { LanguageListCache } from '../../shared/language-list-cache.js';
import type { Detection, LanguageEntry } from '../../shared/language-schemas.js';
import type { Logger } from '../../shared/logger.js';
import { countTextsChars } from '../../shared/provider-request/count-chars.js';
import { QUEUE_NAMES } from '../../shared/queues.js';
import { createRedis } from '../../shared/redis.js';
import { RedisKeys } from '../../shared/redis/keys.js';
import type { ReleaseRegistry } from '../../shared/release-registry.js';
import { activeTraceparent, otel } from '../../shared/tracing.js';
import type { Tenant } from '../../shared/tenants.js';
import type { CharBudget } from '../admission/char-budget.js';
import type { OpenWaits } from '../admission/open-waits.js';
import { redisCall } from '../redis-call.js';
import { clientGone, JobWaiter, type WaitingClient } from './job-waiter.js';

/** The language routes' settings, compiled from Config by api/api-options.ts. */
export interface LanguageServiceOptions {
  redisUrl: string;
  prefix: string;
  /** Provider identity of cached lists (shared/translation-cache.ts `providerId`). */
  providerId: string;
  /** How long a client waits for its job before 503 (SYNC_WAIT_MS). */
  waitMs: number;
  /** Attempts, backoff and retention of provider-info jobs (shared/jobs/provider-info-job.ts). */
  jobOptions: DefaultJobOptions;
  /** TRACING_ENABLED: jobs carry the request's trace context. @default false */
  tracing?: boolean;
}

export interface LanguageServiceDeps {
  /** The `provider-info` queue, on the producer connection. */
  queue: Queue;
  /** Producer connection (fails fast): cache reads and job adds. */
  redis: Redis;
  /** Waits for this queue's jobs. */
  waiter: JobWaiter;
  cache: LanguageListCache;
  /** DAILY_CHAR_BUDGET: detected characters are billed like translated ones. */
  budget?: Pick<CharBudget, 'appliesTo' | 'reserve'>;
  /** MAX_OPEN_WAITS: a wait held here counts with the sync and batch waits. @default no bound */
  openWaits?: Pick<OpenWaits, 'hold'>;
  options: Pick<LanguageServiceOptions, 'waitMs' | 'jobOptions' | 'tracing'>;
  /** Bound on any single Redis call made while a client waits. @default REDIS_CALL_TIMEOUT_MS */
  redisTimeoutMs?: number;
}

export class LanguageService {
  /** Lists being fetched by this process, by target: concurrent misses share one job. */
  private readonly fetching = new Map<string, Promise<LanguageEntry[]>>();

  constructor(private readonly deps: LanguageServiceDeps) {}

  /** The provider's languages with names in `target`: from the cache, or from a worker. */
  async languages(target: string, requestId?: string): Promise<LanguageEntry[]> {
    const cached = await this.redisCall(() => this.deps.cache.get(target));
    if (cached) return cached;
    const key = target.toLowerCase();
    let fetching = this.fetching.get(key);
    if (!fetching) {
      // No client's connection ends this wait: other clients may share it.
      fetching = this.run({ kind: 'languages', target, ...this.context(requestId) })
        .then((value) => parseResult(languagesJobResult, value).languages)
        .finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetching);
    }
    return fetching;
  }

  /** The language of each text, in order. The characters count against DAILY_CHAR_BUDGET and the requester's chars_per_day. */
  async detect(
    texts: string[],
    requester: Tenant,
    client?: WaitingClient,
    requestId?: string,
  ): Promise<Detection[]> {
    const { budget } = this.deps;
    if (budget?.appliesTo(requester)) {
      await this.redisCall(() => budget.reserve(countTextsChars(texts), requester));
    }
    const value = await this.run({ kind: 'detect', texts, ...this.context(requestId) }, client);
    const { detections } = parseResult(detectJobResult, value);
    if (detections.length !== texts.length) throw new AppError('internal_error');
    return detections;
  }

  /** Queues the job and waits for its return value; a failed job throws its error. */
  private async run(data: ProviderInfoJobData, client?: WaitingClient): Promise<unknown> {
    const release = this.deps.openWaits ? this.deps.openWaits.hold() : () => undefined;
    if (!release) {
      throw new AppError('overloaded', 'Too many requests are waiting; retry later.', {
        headers: { 'Retry-After': '1' },
      });
    }
    try {
      const jobId = randomUUID();
      const job = providerInfoJob(data, jobId, this.deps.options.jobOptions);
      // Registered before the add, so the completion cannot be missed.
      const registration = this.deps.waiter.register(jobId);
      try {
        await this.redisCall(() => this.deps.queue.add(job.name, job.data, job.opts));
      } catch (err) {
        registration.cancel();
        throw err;
      }
      const outcome =
        (await registration.wait(this.deps.options.waitMs, client)) ??
        (clientGone(client) ? undefined : await this.deps.waiter.lastCheck(jobId, this.deps.redisTimeoutMs));
      if (!outcome) throw new UnavailableError('The provider did not answer in time; retry.');
      if (outcome.status === 'failed') {
        const failure = decodeJobFailure(outcome.failedReason);
        throw new AppError(failure.code, failure.message);
      }
      return outcome.returnvalue;
    } finally {
      release();
    }
  }

  private context(requestId: string | undefined): Pick<ProviderInfoJobData, 'request_ids' | 'traceparent'> {
    const traceparent = activeTraceparent(otel(this.deps.options.tracing ?? false));
    return {
      ...(requestId ? { request_ids: [requestId] } : {}),
      ...(traceparent ? { traceparent } : {}),
    };
  }

  private redisCall<T>(fn: () => Promise<T>): Promise<T> {
    return redisCall(this.deps.redis, fn, this.deps.redisTimeoutMs);
  }
}

/** A completed job's return value, checked against the contract (a mismatch is a bug: 500). */
function parseResult<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('internal_error');
  return parsed.data;
}

/**
 * Builds the service with its own events reader for the `provider-info` queue (a blocking Redis
 * connection) and waiter, each registering its release. Called on the first language request,
 * so an API that never gets one never opens the connection. Not awaited: an event read before the
 * reader runs is found by the waiter's sweep.
 */
export function createLanguageService(deps: {
  options: LanguageServiceOptions;
  queue: Queue;
  redis: Redis;
  logger: Logger;
  releasers: ReleaseRegistry;
  budget?: LanguageServiceDeps['budget'];
  openWaits?: LanguageServiceDeps['openWaits'];
}): LanguageService {
  const { options, logger, releasers } = deps;
  const connection = createRedis(options.redisUrl, 'blocking');
  releasers.add('redis (provider-info events)', () => connection.disconnect());
  connection.on('error', (err) => logger.debug({ err: err.message }, 'redis (provider-info events) error'));
  const queueEvents = new QueueEvents(QUEUE_NAMES.providerInfo, { connection, prefix: options.prefix });
  queueEvents.on('error', (err) => logger.debug({ err: err.message }, 'provider-info events error'));
  releasers.add('provider-info events', () => queueEvents.close());
  const waiter = new JobWaiter({
    queueEvents,
    redis: deps.redis,
    jobKey: (id) => new RedisKeys(options.prefix).job(QUEUE_NAMES.providerInfo, id),
  });
  releasers.add('provider-info waiter', () => waiter.close());
  return new LanguageService({
    queue: deps.queue,
    redis: deps.redis,
    waiter,
    cache: new LanguageListCache(deps.redis, options.prefix, options.providerId),
    ...(deps.budget ? { budget: deps.budget } : {}),
    ...(deps.openWaits ? { openWaits: deps.openWaits } : {}),
    options,
  });
}
