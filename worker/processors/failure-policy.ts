/**
 * What a failed attempt of a job does next. One policy for the sync processor and the batch chunk
 * processor; what the failure *is* comes from the one classifier (provider/classify-provider-error.ts).
 * - `permanent` (bad language, bad credentials, daily quota): fail for good now, retrying cannot help.
 * - `rate_limited` (per-minute quota): pause the queue for every worker, then requeue the job
 *   without spending an attempt, up to `maxQuotaRequeues`; past that allowance the answer counts
 *   as a failed attempt, so a job that only ever meets quota answers still ends some day.
 * - `transient` (5xx, timeouts, network): BullMQ retries with backoff until attempts run out.
 */
import { RateLimitError, UnrecoverableError } from 'bullmq';
import { encodeJobFailure } from '../../shared/jobs/job-failure.js';
import type { ProviderFailure } from '../provider/classify-provider-error.js';
import type { QuotaBackoff } from './quota-backoff.js';

/** A BullMQ job's attempt counters (the fields of `Job` the policy reads). */
export interface JobAttempts {
  /** Attempts that failed so far (a quota requeue does not count). */
  attemptsMade: number;
  /** Times the job was started, this one included (requeues and stalls count). */
  attemptsStarted: number;
  opts: { attempts?: number };
}

export type FailureDecision =
  /** A quota answer within the allowance: back to the queue, no attempt spent. */
  | { action: 'requeue'; quotaStep: number }
  /** Attempts are left: BullMQ retries after its backoff. */
  | { action: 'retry'; quotaStep?: number }
  /** The job fails for good: `permanent` when retrying could never help, else out of attempts. */
  | { action: 'fail'; permanent: boolean; quotaStep?: number };

/**
 * The decision alone, without side effects. `quotaStep` (quota answers only): how many quota
 * answers this job met before, possibly in other processes, so the pause escalates with its history.
 */
export function decideFailure(
  failure: Pick<ProviderFailure, 'kind'>,
  job: JobAttempts,
  maxQuotaRequeues: number,
): FailureDecision {
  if (failure.kind === 'permanent') return { action: 'fail', permanent: true };
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (failure.kind === 'rate_limited') {
    // Starts that neither completed nor failed are quota requeues (or stalls).
    const requeues = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
    const quotaStep = requeues + job.attemptsMade;
    if (requeues < maxQuotaRequeues) return { action: 'requeue', quotaStep };
    return lastAttempt ? { action: 'fail', permanent: false, quotaStep } : { action: 'retry', quotaStep };
  }
  return lastAttempt ? { action: 'fail', permanent: false } : { action: 'retry' };
}

export interface FailurePolicyOptions {
  /** Pauses the job's queue for every worker of the fleet (BullMQ `queue.rateLimit`). */
  rateLimit: (ms: number) => Promise<void>;
  /** How long the pause after a quota answer lasts (one per queue and worker process). */
  quotaBackoff: QuotaBackoff;
  /** PROVIDER_QUOTA_RETRIES: quota answers a job may meet without spending an attempt. */
  maxQuotaRequeues: number;
}

export class FailurePolicy {
  constructor(private readonly options: FailurePolicyOptions) {}

  /** A provider call succeeded: the next quota pause starts from the base again. */
  succeeded(): void {
    this.options.quotaBackoff.success();
  }

  /**
   * Applies the policy to a failed attempt. A quota answer first pauses the queue. Throws what
   * makes BullMQ requeue the job (RateLimitError) or retry it (an Error whose message is the
   * encoded failure); returns only when the job fails for good, and says how the caller ends it.
   */
  async onFailure(failure: ProviderFailure, job: JobAttempts): Promise<{ permanent: boolean }> {
    const decision = decideFailure(failure, job, this.options.maxQuotaRequeues);
    if (decision.quotaStep !== undefined) {
      await this.options.rateLimit(this.options.quotaBackoff.next(decision.quotaStep));
    }
    if (decision.action === 'requeue') throw new RateLimitError();
    if (decision.action === 'retry') throw new Error(failureReason(failure));
    return { permanent: decision.permanent };
  }
}

/** The error that fails a job for good with `failure` as its reason. */
export function finalError(failure: ProviderFailure, permanent: boolean): Error {
  const reason = failureReason(failure);
  // UnrecoverableError ends the job before its attempts are used up; on the last attempt a plain
  // error does the same.
  return permanent ? new UnrecoverableError(reason) : new Error(reason);
}

function failureReason(failure: ProviderFailure): string {
  return encodeJobFailure({
    code: failure.code,
    message: failure.message,
    ...(failure.details ? { details: failure.details } : {}),
  });
}
