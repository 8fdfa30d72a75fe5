/**
 * Contract of the `provider-info` queue: the provider calls that are not translations, made for a
 * waiting client of GET /v1/languages (`languages` jobs) or POST /v1/detect (`detect` jobs). The
 * API builds every job through `providerInfoJob` (validated before it is added) and validates the
 * result it reads with `languagesJobResult` or `detectJobResult`; the worker validates `job.data` again.
 *
 * These jobs make no readable job id: a client waits for the answer or gets an error, never a 202.
 * So a finished job is kept only as long as a wait may still read it, not RESULT_TTL_S: detect
 * texts do not linger in Redis for nobody.
 */
import type { DefaultJobOptions, JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { detection, languageEntry, MAX_DETECT_TEXTS } from '../language-schemas.js';
import { retryingJobOptions } from '../queues.js';
import { languageCode } from '../schemas.js';

export const PROVIDER_INFO_JOB_NAMES = { detect: 'detect', languages: 'languages' } as const;

/** Fields both kinds carry for the worker's log lines and traces. */
const requestContext = {
  /** The HTTP request id, so worker log lines can name it (as translate jobs' `request_ids`). */
  request_ids: z.array(z.string()).max(1).optional(),
  /** W3C trace context of the request: the job's span continues its trace. */
  traceparent: z.string().optional(),
};

/** The languages the provider supports, with names in `target`. */
export const languagesJobData = z.object({
  kind: z.literal('languages'),
  target: languageCode,
  ...requestContext,
});

/** The language of each text (one request's `src_text` or `src_texts`), in order. */
export const detectJobData = z.object({
  kind: z.literal('detect'),
  texts: z.array(z.string().min(1)).min(1).max(MAX_DETECT_TEXTS),
  ...requestContext,
});

export const providerInfoJobData = z.discriminatedUnion('kind', [languagesJobData, detectJobData]);
export type ProviderInfoJobData = z.infer<typeof providerInfoJobData>;

export const languagesJobResult = z.object({ languages: z.array(languageEntry) });
export type LanguagesJobResult = z.infer<typeof languagesJobResult>;

export const detectJobResult = z.object({ detections: z.array(detection) });
export type DetectJobResult = z.infer<typeof detectJobResult>;

/** Seconds a finished job outlives the longest wait, so a wait's last read still finds it. */
const KEEP_AFTER_WAIT_S = 60;

/**
 * Retries belong to the queue, as for translations (JOB_ATTEMPTS, JOB_BACKOFF_MS). Finished jobs
 * are kept the longest wait (SYNC_WAIT_MAX_MS) plus a minute: nothing reads them later.
 */
export function providerInfoJobOptions(config: Config): DefaultJobOptions {
  const keep = { age: Math.ceil(config.SYNC_WAIT_MAX_MS / 1000) + KEEP_AFTER_WAIT_S };
  return {
    ...retryingJobOptions(config, config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS),
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}

/**
 * A provider-info job ready for `queue.add(job.name, job.data, job.opts)`. Throws (a bug, answered
 * 500) when `data` breaks the contract, so a bad job never reaches the queue.
 */
export function providerInfoJob(
  data: ProviderInfoJobData,
  jobId: string,
  options: DefaultJobOptions,
): { name: string; data: ProviderInfoJobData; opts: JobsOptions } {
  const parsed = providerInfoJobData.parse(data);
  return { name: PROVIDER_INFO_JOB_NAMES[parsed.kind], data: parsed, opts: { ...options, jobId } };
}
