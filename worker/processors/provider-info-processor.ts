/**
 * Runs one job of the `provider-info` queue: the language list for a target (cached for a day on
 * success), or the languages of a request's texts. Failures go through the one classifier and
 * the one failure policy, as translations do: quota answers pause this queue fleet-wide, 5xx are
 * retried with backoff, a refused language fails at once.
 * Job data comes from Redis and is untrusted: it is validated again, and a malformed job fails
 * without retry.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { ERROR_CODES } from '../../shared/errors.js';
import type { Detection } from '../../shared/language-schemas.js';
import type { LanguageListCache } from '../../shared/language-list-cache.js';
import type { Logger } from '../../shared/logger.js';
import {
  providerInfoJobData,
  type DetectJobResult,
  type LanguagesJobResult,
} from '../../shared/jobs/provider-info-job.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import type { PackLimits } from '../../shared/provider-request/limits.js';
import { PackingQueue } from '../../shared/provider-request/pack.js';
import { jobLogFields } from '../job-log-fields.js';
import { classifyProviderError, type ProviderFailure } from '../provider/classify-provider-error.js';
import type { LanguageProvider } from '../provider/google-translator.js';
import { parseJobData } from './job-data.js';
import { finalError, type FailurePolicy } from './failure-policy.js';

export interface ProviderInfoProcessorDeps {
  /** The process's provider, under its concurrency and quota limits (bounded-language-provider.ts). */
  provider: LanguageProvider;
  logger: Logger;
  /** Requeue, retry or fail after a provider failure; pauses the queue on quota answers. */
  failures: FailurePolicy;
  /** Where a fetched language list is kept for a day. */
  languages: Pick<LanguageListCache, 'set'>;
  /** What one detect request to the provider may carry (PROVIDER_BATCH_MAX_CHARS, 128 texts). */
  packLimits: PackLimits;
}

export function createProviderInfoProcessor(deps: ProviderInfoProcessorDeps) {
  return async function processProviderInfoJob(job: Job): Promise<LanguagesJobResult | DetectJobResult> {
    const data = parseJobData(providerInfoJobData, job, 'provider-info job');
    try {
      const result =
        data.kind === 'languages'
          ? await languages(deps, job, data.target)
          : { detections: await detect(deps, data.texts) };
      deps.failures.succeeded();
      return result;
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      const failure = asInfoFailure(classifyProviderError(err));
      deps.logger.warn(
        {
          ...jobLogFields(job),
          call: data.kind,
          kind: failure.kind,
          status: failure.status,
          attempt: job.attemptsMade + 1,
        },
        'provider call failed',
      );
      const { permanent } = await deps.failures.onFailure(failure, job);
      throw finalError(failure, permanent);
    }
  };
}

/**
 * The classifier words a refused language for translations ("this language pair"); these calls
 * name one language at most, so they get the code's own message.
 */
function asInfoFailure(failure: ProviderFailure): ProviderFailure {
  if (failure.code !== 'unsupported_language') return failure;
  return { ...failure, message: ERROR_CODES.unsupported_language.message };
}

async function languages(
  deps: ProviderInfoProcessorDeps,
  job: Job,
  target: string,
): Promise<LanguagesJobResult> {
  const list = await deps.provider.languages(target);
  // Sent before BullMQ completes the job on the same connection, so Redis applies it first. A
  // cache that cannot be written costs a later provider call, never this answer.
  deps.languages.set(target, list).catch((err: unknown) => {
    deps.logger.warn(
      { ...jobLogFields(job), err: (err as Error).message },
      'language list cache write failed',
    );
  });
  return { languages: list };
}

/**
 * The texts go in as few provider requests as the limits allow (up to 128 texts of 5,000
 * characters would pass Google's ~100 KB limit in one), sent at once; results keep the texts' order.
 */
async function detect(deps: ProviderInfoProcessorDeps, texts: string[]): Promise<Detection[]> {
  const queue = new PackingQueue<string>(deps.packLimits);
  for (const text of texts) queue.push(text, countChars(text));
  const requests: string[][] = [];
  while (queue.size > 0) requests.push(queue.take());
  const answers = await Promise.all(requests.map((request) => deps.provider.detect(request)));
  return answers.flat();
}
