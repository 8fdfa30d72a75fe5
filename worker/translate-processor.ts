/**
 * Turns one translate job into one provider segment and its result.
 * Job data comes from Redis and is untrusted: it is validated again, and a malformed job fails
 * without retry.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { encodeJobFailure } from '../shared/errors.js';
import { translateJobData, type TranslateJobResult } from '../shared/schemas.js';
import type { Logger } from '../shared/logger.js';
import { jobCacheParts, translationHash, type TranslationCache } from '../shared/translation-cache.js';
import { classifyProviderError } from './provider/classify-provider-error.js';
import type { Translator } from './provider/google-translator.js';
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
  /** Read before calling the provider (a twin job may have finished meanwhile); successful translations are written here. */
  cache?: { store: TranslationCache; providerId: string };
}

export function createTranslateProcessor(deps: TranslateProcessorDeps) {
  return async function processTranslateJob(job: Job): Promise<TranslateJobResult> {
    const parsed = translateJobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        encodeJobFailure({ code: 'validation_failed', message: 'Malformed job data.' }),
      );
    }
    const data = parsed.data;
    const hash = deps.cache?.store.enabled
      ? translationHash(jobCacheParts(deps.cache.providerId, data))
      : undefined;
    if (hash !== undefined && deps.cache) {
      // Closes the gap between the API's cache miss and its enqueue: a twin job that finished in
      // between (its deduplication key gone) has already written the translation.
      const cached = await deps.cache.store.get(hash).catch(() => undefined);
      if (cached) return cached;
    }
    try {
      const [translation] = await deps.translator.translate({
        texts: [data.text],
        target: data.target,
        format: data.format,
        ...(data.source ? { source: data.source } : {}),
      });
      if (!translation) throw new Error('provider returned no translation');
      deps.quotaBackoff.success();
      const result: TranslateJobResult = {
        text: translation.text,
        ...(translation.detectedSource ? { detected_source: translation.detectedSource } : {}),
      };
      if (hash !== undefined && deps.cache) {
        // Not awaited: the job's answer does not wait for a cache round trip (a twin request racing
        // it is caught by the read above). A cache that cannot be written costs a later provider
        // call, never this job.
        void deps.cache.store.set(hash, result).catch((err: unknown) => {
          deps.logger.warn({ ...jobLogFields(job), err: (err as Error).message }, 'cache write failed');
        });
      }
      return result;
    } catch (err) {
      const failure = classifyProviderError(err);
      deps.logger.warn(
        { ...jobLogFields(job), kind: failure.kind, status: failure.status, attempt: job.attemptsMade + 1 },
        'provider call failed',
      );
      const reason = encodeJobFailure({ code: failure.code, message: failure.message });
      if (failure.kind === 'permanent') throw new UnrecoverableError(reason);
      if (failure.kind === 'rate_limited') {
        // A quota requeue costs no attempt (starts that neither completed nor failed are these, or
        // stalls); past the allowance it counts as a failed attempt so the job ends some day.
        const requeues = job.attemptsStarted - job.attemptsMade - 1;
        // Pauses every worker of the queue (the limiter key is shared), not only this job.
        await deps.rateLimit(deps.quotaBackoff.next(requeues + job.attemptsMade));
        if (requeues < deps.maxQuotaRequeues) throw Worker.RateLimitError();
      }
      throw new Error(reason);
    }
  };
}
