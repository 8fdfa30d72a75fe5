/**
 * Contract of the `translate` queue (sync requests): payload, result, job name and options. The
 * API builds every job through `translateJob` (validated before it is added); the worker validates
 * `job.data` again with `translateJobData` (Redis content is untrusted) and the API validates the
 * result items it reads with `translateItemResult`.
 */
import type { DefaultJobOptions, JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { retryingJobOptions } from '../queues.js';
import { MAX_SEGMENTS_PER_REQUEST } from '../provider-request/limits.js';
import { jobProtectionFields, languageCode, requestFormat, translation } from '../schemas.js';
import { itemFailure } from './job-failure.js';

export const TRANSLATE_JOB_NAME = 'translate';

/**
 * Payload: the texts of one or more sync requests that share a shape (target, source, format and
 * protection settings: shared/provider-request/shape.ts). The API packs requests that arrive
 * together into one job; each request is one item, addressed by its index. Absent `source`: detect.
 */
export const translateJobData = z
  .object({
    texts: z.array(z.string().min(1)).min(1).max(MAX_SEGMENTS_PER_REQUEST),
    target: languageCode,
    source: languageCode.optional(),
    format: requestFormat,
    /** Text protection (issue 13): what the worker protects and checks; all absent, nothing. */
    ...jobProtectionFields,
    /**
     * The tenant (API key name, shared/tenants.ts) of each text's request, in the order of `texts`:
     * an item is read only by its owner (GET /v1/jobs/{id}). Absent only in jobs queued before
     * tenants existed; such items belong to nobody.
     */
    owners: z.array(z.string().min(1)).max(MAX_SEGMENTS_PER_REQUEST).optional(),
    /**
     * The cache scope the API placed the texts in (CACHE_SCOPE): the worker writes the cache and
     * ends the in-flight marks under the same keys. Absent: `shared`.
     */
    cache_scope: z.enum(['tenant', 'shared']).optional(),
    /** HTTP request ids of the requests whose texts the job carries, so worker log lines name them. */
    request_ids: z.array(z.string()).max(MAX_SEGMENTS_PER_REQUEST).optional(),
    /**
     * W3C trace context of the first of those requests: the job's span continues its trace. Not
     * checked here: a malformed one only starts a new trace (shared/tracing.ts).
     */
    traceparent: z.string().optional(),
  })
  .refine((d) => d.owners === undefined || d.owners.length === d.texts.length, {
    message: 'owners must name one tenant per text',
    path: ['owners'],
  });
export type TranslateJobData = z.infer<typeof translateJobData>;

/** What the texts of a job share: the shape of its provider request (shared/provider-request/shape.ts). */
export type TranslateJobShape = Pick<
  TranslateJobData,
  'target' | 'source' | 'format' | 'placeholders' | 'glossary' | 'on_unsafe'
>;

/** One item's outcome: its translation, or why the provider refused it (shared/jobs/job-failure.ts). */
export const translateItemResult = z.union([translation, z.object({ error: itemFailure })]);
export type TranslateItemResult = z.infer<typeof translateItemResult>;

/** Result (BullMQ stores it as the job's return value): one outcome per text, in order. */
export const translateJobResult = z.object({ results: z.array(translateItemResult) });
export type TranslateJobResult = z.infer<typeof translateJobResult>;

/** Retries belong to the queue (the Google client's own are off). */
export function translateJobOptions(config: Config): DefaultJobOptions {
  return retryingJobOptions(config, config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS);
}

/**
 * A translate job ready for `queue.add(job.name, job.data, job.opts)`. Throws (a bug, answered
 * 500) when `data` breaks the contract, so a bad job never reaches the queue.
 * @param jobId the job's id (a UUID): item ids are `<jobId>.<index>`.
 */
export function translateJob(
  data: TranslateJobData,
  jobId: string,
): { name: typeof TRANSLATE_JOB_NAME; data: TranslateJobData; opts: JobsOptions } {
  return { name: TRANSLATE_JOB_NAME, data: translateJobData.parse(data), opts: { jobId } };
}
