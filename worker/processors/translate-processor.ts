/**
 * Translates one sync job: the texts of one or more requests that share a shape (the API packs
 * requests that arrive together into one job), protected and checked when the shape asks
 * (worker/protection/). Every text gets its own outcome, so a
 * text the provider refuses fails only its own request.
 * Job data comes from Redis and is untrusted: it is validated again, and a malformed job fails
 * without retry.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { parseJobData } from './job-data.js';
import { encodeItemFailure } from '../../shared/jobs/job-failure.js';
import {
  translateJobData,
  type TranslateItemResult,
  type TranslateJobResult,
} from '../../shared/jobs/translate-job.js';
import type { Translation } from '../../shared/schemas.js';
import type { Logger } from '../../shared/logger.js';
import { jobTextHashes, type TranslationCache } from '../../shared/translation-cache.js';
import type { UsageStore } from '../../shared/usage/usage-store.js';
import { finalError, type FailurePolicy } from './failure-policy.js';
import { classifyProviderError } from '../provider/classify-provider-error.js';
import type { Translator } from '../provider/google-translator.js';
import type { CheckedTranslator } from '../protection/checked-translation.js';
import { jobLogFields } from '../job-log-fields.js';

export interface TranslateProcessorDeps {
  translator: Translator;
  /** Protects and checks the texts of checked shapes (issue 13); others go to `translator` as they are. */
  checked: CheckedTranslator;
  logger: Logger;
  /** Requeue, retry or fail after a provider failure; pauses the queue on quota answers. */
  failures: FailurePolicy;
  /** Translations are cached here, and the texts' in-flight marks ended, when a job is done. */
  cache: { store: TranslationCache; providerId: string };
  /** PROVIDER_BATCHING=false: one provider request per text. @default true */
  batching?: boolean;
  /**
   * Each key's usage: the characters billed for its texts, on the connection that completes the
   * job (flushed before the job completes). @default none (not counted)
   */
  usage?: Pick<UsageStore, 'recordBilled'>;
}

export function createTranslateProcessor(deps: TranslateProcessorDeps) {
  return async function processTranslateJob(job: Job): Promise<TranslateJobResult> {
    const data = parseJobData(translateJobData, job, 'job');
    // A job about to fail for good ends its texts' in-flight marks first, on the connection that
    // then fails the job: no request sent after the failure can join it and inherit its error.
    const failForGood = (err: Error): Error => {
      void settle(deps, job, [], jobTextHashes(deps.cache.providerId, data));
      return err;
    };
    try {
      const outcomes = await deps.checked.translate(deps.translator, data, deps.batching ?? true);
      deps.failures.succeeded();
      if (data.owners)
        deps.usage?.recordBilled(
          outcomes.map((o) => o.billed),
          data.owners,
        );
      // An unsafe output quotes the caller's text in its details: it stays in the item's result,
      // never in the job's failedReason (which is logged).
      const refused = outcomes.flatMap((o) =>
        o.ok || o.failure.code === 'unsafe_output' ? [] : [o.failure],
      );
      // Every text refused: the job fails as a whole, like a job of one text would.
      if (refused.length === outcomes.length) throw failForGood(finalError(refused[0]!, true));
      const results: TranslateItemResult[] = [];
      const translated: [string, Translation][] = [];
      const hashes = jobTextHashes(deps.cache.providerId, data);
      outcomes.forEach((outcome, i) => {
        if (!outcome.ok) {
          results.push({ error: encodeItemFailure(outcome.failure) });
          return;
        }
        const { text, detectedSource, qa } = outcome.translation;
        const result: Translation = {
          text,
          ...(detectedSource ? { detected_source: detectedSource } : {}),
          ...(qa ? { qa } : {}),
        };
        results.push(result);
        // A result that failed its checks is not cached: the next request gets a fresh attempt.
        if (qa?.ok !== false) translated.push([hashes[i]!, result]);
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
      const { permanent } = await deps.failures.onFailure(failure, job);
      throw failForGood(finalError(failure, permanent));
    }
  };
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
