/**
 * Translates one sync job: the texts of one or more requests that share target, source and format
 * (the API packs requests that arrive together into one job). Every text gets its own outcome, so a
 * text the provider refuses fails only its own request.
 * Job data comes from Redis and is untrusted: it is validated again, and a malformed job fails
 * without retry.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { encodeJobFailure } from '../shared/errors.js';
import {
  translateJobData,
  type TranslateItemResult,
  type TranslateJobResult,
  type Translation,
} from '../shared/schemas.js';
import type { Logger } from '../shared/logger.js';
import { jobTextHashes, type TranslationCache } from '../shared/translation-cache.js';
import { classifyProviderError, type ProviderFailure } from './provider/classify-provider-error.js';
import type { Translator } from './provider/google-translator.js';
import { translateIsolating } from './provider/translate-isolating.js';
import type { QuotaBackoff } from './quota-backoff.js';
import { jobLogFields } from './job-log-fields.js';

export interface TranslateProcessorDeps {
  translator: Translator;
  logger: Logger;
  /** Slows the whole fleet down when Google reports a quota problem (BullMQ worker.rateLimit). */
  rateLimit: (ms: number) => Promise<void>;
  /** How long the fleet pauses after a quota answer (one per worker process). */
  quotaBackoff: QuotaBackoff;
  /** Quota answers a job may meet without spending an attempt (PROVIDER_QUOTA_RETRIES). */
  maxQuotaRequeues: number;
  /** Translations are cached here, and the texts' in-flight marks ended, when a job is done. */
  cache: { store: TranslationCache; providerId: string };
  /** PROVIDER_BATCHING=false: one provider request per text. @default true */
  batching?: boolean;
}

export function createTranslateProcessor(deps: TranslateProcessorDeps) {
  return async function processTranslateJob(job: Job): Promise<TranslateJobResult> {
    const parsed = translateJobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        encodeJobFailure({ code: 'validation_failed', message: 'Malformed job data.' }),
      );
    }
    // A job about to fail for good ends its texts' in-flight marks first, on the connection that
    // then fails the job: no request sent after the failure can join it and inherit its error.
    const failForGood = (err: Error): Error => {
      void settle(deps, job, [], jobTextHashes(deps.cache.providerId, parsed.data));
      return err;
    };
    try {
      const outcomes = await translateIsolating(deps.translator, parsed.data, deps.batching ?? true);
      deps.quotaBackoff.success();
      const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.failure]));
      // Every text refused: the job fails as a whole, like a job of one text would.
      if (failures.length === outcomes.length) {
        throw failForGood(new UnrecoverableError(reasonOf(failures[0]!)));
      }
      const results: TranslateItemResult[] = [];
      const translated: [string, Translation][] = [];
      const hashes = jobTextHashes(deps.cache.providerId, parsed.data);
      outcomes.forEach((outcome, i) => {
        if (!outcome.ok) {
          results.push({ error: { code: outcome.failure.code, message: outcome.failure.message } });
          return;
        }
        const { text, detectedSource } = outcome.translation;
        const result: Translation = { text, ...(detectedSource ? { detected_source: detectedSource } : {}) };
        results.push(result);
        translated.push([hashes[i]!, result]);
      });
      // Sent now, before BullMQ completes the job on the same connection: Redis applies it first, so
      // a request sent after this answer finds the cache, never the finished job's in-flight mark,
      // and the job does not wait for it. A cache that cannot be written costs a later provider
      // call, never this job (marks expire by themselves).
      void settle(deps, job, translated, hashes);
      return { results };
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      const failure = classifyProviderError(err);
      deps.logger.warn(
        { ...jobLogFields(job), kind: failure.kind, status: failure.status, attempt: job.attemptsMade + 1 },
        'provider call failed',
      );
      if (failure.kind === 'permanent') throw failForGood(new UnrecoverableError(reasonOf(failure)));
      if (failure.kind === 'rate_limited') {
        // A quota requeue costs no attempt (starts that neither completed nor failed are these, or
        // stalls); past the allowance it counts as a failed attempt so the job ends some day.
        const requeues = job.attemptsStarted - job.attemptsMade - 1;
        // Pauses every worker of the queue (the limiter key is shared), not only this job.
        await deps.rateLimit(deps.quotaBackoff.next(requeues + job.attemptsMade));
        if (requeues < deps.maxQuotaRequeues) throw Worker.RateLimitError();
      }
      const error = new Error(reasonOf(failure));
      // The last attempt: BullMQ fails the job instead of retrying it.
      throw job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? failForGood(error) : error;
    }
  };
}

function reasonOf(failure: ProviderFailure): string {
  return encodeJobFailure({ code: failure.code, message: failure.message });
}

/** Caches a job's translations and ends its texts' in-flight marks (see TranslationCache.settle). */
function settle(
  deps: TranslateProcessorDeps,
  job: Job,
  translated: [string, Translation][],
  hashes: string[],
): Promise<void> {
  return deps.cache.store.settle(translated, hashes).catch((err: unknown) => {
    deps.logger.warn({ ...jobLogFields(job), err: (err as Error).message }, 'cache write failed');
  });
}
