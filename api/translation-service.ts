/**
 * Sync translation: enqueue one job, wait for it within the client's budget, shape the answer.
 * Also reads job state for GET /v1/jobs/{id}.
 */
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, NotFoundError, decodeJobFailure } from '../shared/errors.js';
import { JOB_NAMES } from '../shared/queues.js';
import { jobCacheParts, translationHash, type TranslationCache } from '../shared/translation-cache.js';
import {
  translateJobResult,
  type JobResponse,
  type TranslateJobResult,
  type JobStatus,
  type TranslateJobData,
  type TranslateRequest,
  type TranslateResponse,
} from '../shared/schemas.js';
import type { CharBudget } from './char-budget.js';
import type { JobOutcome, JobWaiter } from './job-waiter.js';
import { redisCall } from './redis-call.js';
import { cacheHits, cacheMisses, dedupJoined } from './metrics.js';
import { activeTraceparent, otel } from '../shared/tracing.js';

export type SubmitResult = { kind: 'done'; response: TranslateResponse } | { kind: 'pending'; jobId: string };

export interface TranslationServiceDeps {
  queue: Queue;
  redis: Redis;
  waiter: JobWaiter;
  /** DAILY_CHAR_BUDGET: characters are counted before a job is queued. */
  budget?: CharBudget;
  /** Read before enqueueing; absent or disabled: every request becomes a job. */
  cache?: TranslationCache;
  /** Provider identity in cache keys and deduplication ids (see shared/translation-cache.ts). */
  providerId: string;
  /** Bound on any single Redis call made while a client waits. @default 2000 */
  redisTimeoutMs?: number;
  /** MAX_OPEN_WAITS: past it new requests are answered 202 at once instead of held. @default no bound */
  maxOpenWaits?: number;
  /** TRACING_ENABLED: jobs carry the request's trace context (`traceparent`). @default false */
  tracing?: boolean;
}

export class TranslationService {
  constructor(private readonly deps: TranslationServiceDeps) {}

  async submit(
    request: TranslateRequest,
    requestedWaitMs: number,
    signal?: AbortSignal,
    /** The HTTP request id, recorded in the job so worker log lines can carry it. */
    requestId?: string,
  ): Promise<SubmitResult> {
    // Held waits cost memory (a socket, a timer, a map entry): their number per process is bounded;
    // past the bound the work is still accepted and the client polls instead of waiting.
    const waitMs = this.deps.waiter.size >= (this.deps.maxOpenWaits ?? Infinity) ? 0 : requestedWaitMs;
    const data = toJobData(request);
    const { cache } = this.deps;
    const hash = translationHash(jobCacheParts(this.deps.providerId, data));
    if (cache?.enabled) {
      const hit = await this.redisCall(() => cache.get(hash));
      (hit ? cacheHits : cacheMisses).inc();
      if (hit)
        return { kind: 'done', response: toCachedResponse(data, request.src_lang, fromJobResult(hit)) };
    }

    // After the cache: a hit is never billed, so it does not count against the budget.
    const { budget } = this.deps;
    if (budget?.enabled) await this.redisCall(() => budget.reserve([...data.text].length));
    let jobId: string = randomUUID();
    let registration = waitMs > 0 ? this.deps.waiter.register(jobId) : undefined;
    try {
      // Identical requests in flight share one job: BullMQ answers the id of the job already queued
      // under the same deduplication id (until that job finishes).
      const job = await this.redisCall(() =>
        this.deps.queue.add(JOB_NAMES.translate, withJobMeta(data, this.deps.tracing, requestId), {
          jobId,
          deduplication: { id: hash },
        }),
      );
      if (job.id && job.id !== jobId) {
        dedupJoined.inc();
        registration?.cancel();
        jobId = job.id;
        registration = waitMs > 0 ? this.deps.waiter.register(jobId) : undefined;
        // The shared job may have finished before this wait was registered.
        const early = registration ? await this.tryCheck(jobId) : undefined;
        if (early) {
          registration?.cancel();
          return { kind: 'done', response: toResponse(jobId, data, request.src_lang, outcomeResult(early)) };
        }
      }
    } catch (err) {
      registration?.cancel();
      throw err;
    }
    if (!registration) return { kind: 'pending', jobId };
    const outcome =
      (await registration.wait(waitMs, signal)) ?? (signal?.aborted ? undefined : await this.tryCheck(jobId));
    if (!outcome) return { kind: 'pending', jobId };
    return { kind: 'done', response: toResponse(jobId, data, request.src_lang, outcomeResult(outcome)) };
  }

  async getJob(jobId: string): Promise<JobResponse> {
    // State first, then the hash: a job that completes in between is reported by its older state
    // with newer data, never as "completed" without its result.
    const state = await this.redisCall(() => this.deps.queue.getJobState(jobId));
    const job = state === 'unknown' ? undefined : await this.redisCall(() => this.deps.queue.getJob(jobId));
    if (!job) throw new NotFoundError(`No job ${jobId} (unknown, or its result has expired).`);
    return toJobResponse(job, state);
  }

  /** A last direct read before answering 202: closes the race with a completion we did not hear of. */
  private redisCall<T>(fn: () => Promise<T>): Promise<T> {
    return redisCall(this.deps.redis, fn, this.deps.redisTimeoutMs);
  }

  private async tryCheck(jobId: string): Promise<JobOutcome | undefined> {
    try {
      return await this.redisCall(() => this.deps.waiter.check(jobId));
    } catch {
      return undefined;
    }
  }
}

export function toJobData(request: TranslateRequest): TranslateJobData {
  return {
    text: request.src_text,
    target: request.tgt_lang,
    format: request.format ?? 'text',
    ...(request.src_lang && request.src_lang !== 'auto' ? { source: request.src_lang } : {}),
  };
}

interface Translated {
  text: string;
  detected?: string;
}

/** The translation of a finished job, or the job's failure as a typed error. */
function outcomeResult(outcome: JobOutcome): Translated {
  if (outcome.status === 'failed') {
    const failure = decodeJobFailure(outcome.failedReason);
    throw new AppError(failure.code, failure.message);
  }
  const parsed = translateJobResult.safeParse(outcome.returnvalue);
  if (!parsed.success) throw new AppError('internal_error');
  return fromJobResult(parsed.data);
}

function fromJobResult(result: TranslateJobResult): Translated {
  return { text: result.text, ...(result.detected_source ? { detected: result.detected_source } : {}) };
}

function toResponse(
  jobId: string | null,
  data: TranslateJobData,
  srcLang: string | undefined,
  result: Translated,
): TranslateResponse {
  return {
    job_id: jobId,
    src_lang: srcLang ?? data.source ?? 'auto',
    src_text: data.text,
    tgt_lang: data.target,
    tgt_text: result.text,
    ...(result.detected ? { detected_src_lang: result.detected } : {}),
  };
}

/** A cache hit: no job was made, so there is no job id. */
function toCachedResponse(
  data: TranslateJobData,
  srcLang: string | undefined,
  result: Translated,
): TranslateResponse {
  return { ...toResponse(null, data, srcLang, result), cached: true };
}

const STATUS_BY_STATE: Record<string, JobStatus> = {
  completed: 'completed',
  failed: 'failed',
  active: 'active',
};

function toJobResponse(job: Job, state: string): JobResponse {
  const status = STATUS_BY_STATE[state] ?? 'queued';
  const data = job.data as TranslateJobData;
  const base: JobResponse = {
    job_id: String(job.id),
    status,
    attempts: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    ...(job.finishedOn ? { finished_at: new Date(job.finishedOn).toISOString() } : {}),
  };
  if (status === 'completed') {
    const parsed = translateJobResult.safeParse(job.returnvalue);
    if (parsed.success) {
      base.result = toResponse(base.job_id, data, data.source, fromJobResult(parsed.data));
    }
  } else if (status === 'failed') {
    base.error = decodeJobFailure(job.failedReason);
  }
  return base;
}

/**
 * Job data plus what correlates the job with its request: `request_id` (worker log lines) and,
 * when tracing is on, the active span's `traceparent` (the worker continues the trace). The worker's
 * schema ignores both fields.
 */
function withJobMeta(
  data: TranslateJobData,
  tracing = false,
  requestId?: string,
): TranslateJobData & { traceparent?: string; request_id?: string } {
  const traceparent = activeTraceparent(otel(tracing));
  return {
    ...data,
    ...(requestId ? { request_id: requestId } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
}
