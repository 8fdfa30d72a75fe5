/**
 * Sync translation: place the request (a cache hit, a new item of a job, or an identical text
 * already in flight; see request-packer.ts), wait for its job within the client's budget, shape the
 * answer. Also reads an item's state for GET /v1/jobs/{id}, for its owner only: the id a client
 * gets is sealed for its tenant (item-ids.ts), and the item's owner is recorded in the job data.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { GlossaryReader } from '../../shared/glossaries/glossary-reader.js';
import { decodeItemFailure, decodeJobFailure, type JobFailure } from '../../shared/jobs/job-failure.js';
import {
  translateItemResult,
  translateJobData,
  type TranslateJobData,
  type TranslateJobShape,
} from '../../shared/jobs/translate-job.js';
import type { EventBus } from '../../shared/events.js';
import type { Tenant } from '../../shared/tenants.js';
import {
  cacheTenant,
  jobCacheParts,
  translationHash,
  type CacheScope,
} from '../../shared/translation-cache.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import {
  type JobResponse,
  type JobStatus,
  type QaReport,
  type TranslateRequest,
  type TranslateResponse,
  type Translation,
} from '../../shared/schemas.js';
import type { UsageStore } from '../../shared/usage/usage-store.js';
import type { CharBudget } from '../admission/char-budget.js';
import type { OpenWaits } from '../admission/open-waits.js';
import { clientGone, type JobOutcome, type JobWaiter, type WaitingClient } from './job-waiter.js';
import type { ItemIds } from './item-ids.js';
import type { RequestPacker } from './request-packer.js';
import { redisCall } from '../redis-call.js';
import { activeTraceparent, otel } from '../../shared/tracing.js';
import { glossaryRef, loadIcuCheck, protectionShape } from '../protection/request-protection.js';

export type SubmitResult = { kind: 'done'; response: TranslateResponse } | { kind: 'pending'; jobId: string };

export interface TranslationServiceDeps {
  queue: Queue;
  redis: Redis;
  waiter: JobWaiter;
  /** Packs requests into jobs, answers cache hits and joins identical texts in flight. */
  packer: RequestPacker;
  /** DAILY_CHAR_BUDGET and the keys' chars_per_day: characters are counted before a job is queued. */
  budget?: CharBudget;
  /** Each key's usage (GET /v1/usage): every accepted request is counted. @default none (not counted) */
  usage?: Pick<UsageStore, 'record'>;
  /** Provider identity in cache keys and in-flight marks (see shared/translation-cache.ts). */
  providerId: string;
  /** CACHE_SCOPE: whether cache keys and in-flight marks are the tenant's own. */
  cacheScope: CacheScope;
  /** The deployment's id sealer, loaded once (item-ids.ts). */
  itemIds: () => Promise<ItemIds>;
  /** Bound on any single Redis call made while a client waits. @default REDIS_CALL_TIMEOUT_MS (api/redis-call.ts) */
  redisTimeoutMs?: number;
  /** MAX_OPEN_WAITS (sync and batch waits): when full, new requests are answered 202 at once instead of held. @default no bound */
  openWaits?: Pick<OpenWaits, 'full'>;
  /** TRACING_ENABLED: jobs carry the request's trace context (`traceparent`). @default false */
  tracing?: boolean;
  /** Where submits, cache hits and misses and joins are reported. @default none (nothing emitted) */
  events?: EventBus;
  /** The tenants' glossaries (a request naming one gets its version). @default none: every name is 404 */
  glossaries?: GlossaryReader;
}

export class TranslationService {
  /** The id sealer once loaded: the hot path then reads a field, no promise, no timer. */
  private ids: ItemIds | undefined;

  constructor(private readonly deps: TranslationServiceDeps) {}

  private async loadItemIds(): Promise<ItemIds> {
    this.ids = await this.redisCall(() => this.deps.itemIds());
    return this.ids;
  }

  /** Places a translate request and waits for it within `requestedWaitMs`; reports its outcome. */
  async submit(
    request: TranslateRequest,
    /** The requester: owner of the item, and the only tenant its id opens for. */
    tenant: Tenant,
    requestedWaitMs: number,
    /** The client's response: the wait ends when the client goes away. */
    client?: WaitingClient,
    /** The HTTP request id, recorded in the job so worker log lines can carry it. */
    requestId?: string,
  ): Promise<SubmitResult> {
    const { events } = this.deps;
    const submitted = this.placeAndWait(request, tenant, requestedWaitMs, client, requestId);
    if (!events) return submitted;
    const key = tenant.name;
    // A promise chain, not an async frame: held by each of thousands of waiting requests.
    return submitted.then(
      (result) => {
        events.emit('translate:submitted', { outcome: result.kind, key });
        return result;
      },
      (err: unknown) => {
        events.emit('translate:submitted', { outcome: 'error', key });
        throw err;
      },
    );
  }

  private async placeAndWait(
    request: TranslateRequest,
    requester: Tenant,
    requestedWaitMs: number,
    client?: WaitingClient,
    requestId?: string,
  ): Promise<SubmitResult> {
    // Held waits cost memory (a socket, a timer, a map entry): their number per process is bounded;
    // past the bound the work is still accepted and the client polls instead of waiting.
    const waitMs = this.deps.openWaits?.full ? 0 : requestedWaitMs;
    const { text, ...shape } = toJobText(request);
    const tenant = requester.name;
    const chars = countChars(text);
    // Protection fields cost nothing here unless a request names an ICU message or a glossary.
    if (shape.format === 'icu') await checkIcu(text);
    if (request.glossary) {
      const { glossaries } = this.deps;
      shape.glossary = await this.redisCall(() => glossaryRef(glossaries, tenant, request.glossary!));
    }
    const { budget } = this.deps;
    if (budget?.appliesTo(requester)) await this.redisCall(() => budget.reserve(chars, requester));
    const traceparent = activeTraceparent(otel(this.deps.tracing ?? false));
    // Loaded once at start; asked before placing, so a request never queues work it cannot name.
    const ids = this.ids ?? (await this.loadItemIds());
    const placement = await this.deps.packer.place({
      text,
      shape,
      owner: tenant,
      hash: translationHash(
        jobCacheParts(this.deps.providerId, shape, text, cacheTenant(this.deps.cacheScope, tenant)),
      ),
      wait: waitMs > 0,
      ...(requestId ? { requestId } : {}),
      ...(traceparent ? { traceparent } : {}),
    });
    const echo = { text, shape, srcLang: request.src_lang };
    const { events } = this.deps;
    // Placed: the request is accepted and counted, whatever happens to its job later.
    const savedVia = placement.kind === 'cached' ? 'cache' : placement.joined ? 'join' : undefined;
    this.deps.usage?.record(tenant, { requests: 1, submitted: chars, cached: savedVia ? chars : 0 });
    if (savedVia) {
      events?.emit('cache:saved', {
        scope: this.deps.cacheScope,
        via: savedVia,
        characters: chars,
        key: tenant,
      });
    }
    if (placement.kind === 'cached') {
      events?.emit('cache:hit');
      return {
        kind: 'done',
        response: { ...toResponse(null, echo, fromTranslation(placement.translation)), cached: true },
      };
    }
    if (this.deps.packer.caching) events?.emit('cache:miss');
    if (placement.joined) events?.emit('dedup:joined');
    // Sealed per request: a joiner gets an id of its own, never the original request's.
    const id = ids.seal(placement, tenant);
    const { registration, early } = placement;
    if (early) {
      registration?.cancel();
      return { kind: 'done', response: toResponse(id, echo, itemOutcome(early, placement.index)) };
    }
    if (!registration) return { kind: 'pending', jobId: id };
    const outcome =
      (await registration.wait(waitMs, client)) ??
      (clientGone(client)
        ? undefined
        : await this.deps.waiter.lastCheck(placement.queueJobId, this.deps.redisTimeoutMs));
    if (!outcome) return { kind: 'pending', jobId: id };
    return { kind: 'done', response: toResponse(id, echo, itemOutcome(outcome, placement.index)) };
  }

  /**
   * GET /v1/jobs/{id}: the state of one request's item, for the tenant that made the request. Any
   * other tenant gets 404, as for an unknown id, so an id's existence is not revealed.
   */
  async getJob(id: string, tenant: Tenant): Promise<JobResponse> {
    const ref = (this.ids ?? (await this.loadItemIds())).open(id, tenant.name);
    if (!ref) throw notFound(id);
    const { queueJobId, index } = ref;
    // State first, then the hash: a job that completes in between is reported by its older state
    // with newer data, never as "completed" without its result.
    const state = await this.redisCall(() => this.deps.queue.getJobState(queueJobId));
    const job =
      state === 'unknown' ? undefined : await this.redisCall(() => this.deps.queue.getJob(queueJobId));
    const data = translateJobData.safeParse(job?.data);
    const text = data.success ? data.data.texts[index] : undefined;
    // The sealed id already names its tenant; the recorded owner is checked too. A joiner's item
    // may be another tenant's (`shared` cache scope): its id alone proves the request was made.
    const owned = data.success && (ref.joined || data.data.owners?.[index] === tenant.name);
    if (!job || !owned || text === undefined) throw notFound(id);
    return toJobResponse(id, job, state, index, text, data.data);
  }

  private redisCall<T>(fn: () => Promise<T>): Promise<T> {
    return redisCall(this.deps.redis, fn, this.deps.redisTimeoutMs);
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No job ${id} (unknown, or its result has expired).`);
}

/** A request as one text of a job, with the job's shape (its glossary, if named, is looked up apart). */
export function toJobText(request: TranslateRequest): { text: string } & TranslateJobShape {
  const { placeholders, ...protection } = protectionShape(request);
  return {
    text: request.src_text,
    target: request.tgt_lang,
    ...protection,
    ...(placeholders ? { placeholders: [...placeholders] } : {}),
    ...(request.src_lang && request.src_lang !== 'auto' ? { source: request.src_lang } : {}),
  };
}

/** 400 with the parser's message for an ICU message that does not parse. */
async function checkIcu(text: string): Promise<void> {
  const problem = (await loadIcuCheck())(text);
  if (problem !== undefined) {
    throw new ValidationError(
      [{ path: 'body.src_text', message: problem }],
      'src_text is not a valid ICU message.',
    );
  }
}

interface Translated {
  text: string;
  detected?: string;
  qa?: QaReport;
}

/** What a response echoes of its request. */
interface Echo {
  text: string;
  shape: TranslateJobShape;
  srcLang: string | undefined;
}

/** One item's translation from its job's outcome, or its failure as a typed error. */
function itemOutcome(outcome: JobOutcome, index: number): Translated {
  const item =
    outcome.status === 'failed'
      ? { error: decodeJobFailure(outcome.failedReason) }
      : itemResult(outcome.returnvalue, index);
  if (!item) throw new AppError('internal_error');
  if ('error' in item) {
    const { code, message, details } = item.error;
    throw new AppError(code, message, details ? { details } : {});
  }
  return fromTranslation(item);
}

/**
 * Item `index` of a completed job's return value: its translation or its decoded failure;
 * undefined when missing or malformed. Only that item is validated (a job has up to 128).
 */
function itemResult(returnvalue: unknown, index: number): Translation | { error: JobFailure } | undefined {
  const results = (returnvalue as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return undefined;
  const parsed = translateItemResult.safeParse(results[index]);
  if (!parsed.success) return undefined;
  return 'error' in parsed.data ? { error: decodeItemFailure(parsed.data.error) } : parsed.data;
}

function fromTranslation(result: Translation): Translated {
  return {
    text: result.text,
    ...(result.detected_source ? { detected: result.detected_source } : {}),
    ...(result.qa ? { qa: result.qa } : {}),
  };
}

function toResponse(jobId: string | null, echo: Echo, result: Translated): TranslateResponse {
  return {
    job_id: jobId,
    src_lang: echo.srcLang ?? echo.shape.source ?? 'auto',
    src_text: echo.text,
    tgt_lang: echo.shape.target,
    tgt_text: result.text,
    ...(result.detected ? { detected_src_lang: result.detected } : {}),
    ...(result.qa ? { qa: result.qa } : {}),
  };
}

const STATUS_BY_STATE: Record<string, JobStatus> = {
  completed: 'completed',
  failed: 'failed',
  active: 'active',
};

function toJobResponse(
  id: string,
  job: Job,
  state: string,
  index: number,
  text: string,
  data: TranslateJobData,
): JobResponse {
  const status = STATUS_BY_STATE[state] ?? 'queued';
  const base: Omit<JobResponse, 'status'> = {
    job_id: id,
    attempts: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    ...(job.finishedOn ? { finished_at: new Date(job.finishedOn).toISOString() } : {}),
  };
  if (status === 'completed') {
    const item = itemResult(job.returnvalue, index);
    // A refused item of a completed job failed on its own.
    if (item && 'error' in item) return { ...base, status: 'failed', error: item.error };
    const { texts: _texts, ...shape } = data;
    return {
      ...base,
      status,
      ...(item
        ? { result: toResponse(id, { text, shape, srcLang: shape.source }, fromTranslation(item)) }
        : {}),
    };
  }
  if (status === 'failed') return { ...base, status, error: decodeJobFailure(job.failedReason) };
  return { ...base, status };
}
