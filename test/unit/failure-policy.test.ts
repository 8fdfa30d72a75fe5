import { RateLimitError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { decodeJobFailure } from '../../shared/jobs/job-failure.js';
import {
  FailurePolicy,
  decideFailure,
  finalError,
  type JobAttempts,
} from '../../worker/processors/failure-policy.js';
import type { ProviderFailure } from '../../worker/provider/classify-provider-error.js';
import { QuotaBackoff } from '../../worker/processors/quota-backoff.js';

/** Counters of a job with `attempts` allowed, `made` failed attempts and `requeues` quota requeues, now running. */
function job(attempts: number | undefined, made: number, requeues = 0): JobAttempts {
  return { attemptsMade: made, attemptsStarted: made + requeues + 1, opts: attempts ? { attempts } : {} };
}

const QUOTA: ProviderFailure = {
  kind: 'rate_limited',
  code: 'provider_error',
  message: 'Provider quota exceeded (429).',
  status: 429,
};
const TRANSIENT: ProviderFailure = {
  kind: 'transient',
  code: 'provider_error',
  message: 'The provider failed (503).',
};
const PERMANENT: ProviderFailure = {
  kind: 'permanent',
  code: 'unsupported_language',
  message: 'The provider does not support this language pair.',
  status: 400,
};

describe('decideFailure', () => {
  it('permanent: fails for good at once, whatever attempts are left', () => {
    expect(decideFailure(PERMANENT, job(5, 0), 2)).toEqual({ action: 'fail', permanent: true });
  });

  it('transient: retries while attempts are left, then fails', () => {
    expect(decideFailure(TRANSIENT, job(3, 0), 2)).toEqual({ action: 'retry' });
    expect(decideFailure(TRANSIENT, job(3, 1), 2)).toEqual({ action: 'retry' });
    expect(decideFailure(TRANSIENT, job(3, 2), 2)).toEqual({ action: 'fail', permanent: false });
    // No attempts option: BullMQ runs a job once.
    expect(decideFailure(TRANSIENT, job(undefined, 0), 2)).toEqual({ action: 'fail', permanent: false });
  });

  it('quota: requeues without an attempt up to the allowance, the step counting every quota answer', () => {
    expect(decideFailure(QUOTA, job(2, 0, 0), 2)).toEqual({ action: 'requeue', quotaStep: 0 });
    expect(decideFailure(QUOTA, job(2, 0, 1), 2)).toEqual({ action: 'requeue', quotaStep: 1 });
  });

  it('quota past the allowance: counts as a failed attempt, retried or final', () => {
    expect(decideFailure(QUOTA, job(2, 0, 2), 2)).toEqual({ action: 'retry', quotaStep: 2 });
    expect(decideFailure(QUOTA, job(2, 1, 2), 2)).toEqual({ action: 'fail', permanent: false, quotaStep: 3 });
  });

  it('quota with no allowance (PROVIDER_QUOTA_RETRIES=0) never requeues', () => {
    expect(decideFailure(QUOTA, job(3, 0), 0)).toEqual({ action: 'retry', quotaStep: 0 });
  });
});

describe('FailurePolicy', () => {
  function policy(maxQuotaRequeues = 2) {
    const pauses: number[] = [];
    const failures = new FailurePolicy({
      rateLimit: async (ms) => {
        pauses.push(ms);
      },
      quotaBackoff: new QuotaBackoff(100, 10_000, () => 1),
      maxQuotaRequeues,
    });
    return { failures, pauses };
  }

  it('a quota answer pauses the queue, escalating with the job history, then requeues', async () => {
    const { failures, pauses } = policy();
    await expect(failures.onFailure(QUOTA, job(2, 0, 1))).rejects.toBeInstanceOf(RateLimitError);
    expect(pauses).toEqual([200]);
  });

  it('a quota answer past the allowance pauses too, then retries with the encoded failure', async () => {
    const { failures, pauses } = policy(0);
    const err = await failures.onFailure(QUOTA, job(2, 0)).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(decodeJobFailure((err as Error).message)).toEqual({ code: QUOTA.code, message: QUOTA.message });
    expect(pauses).toEqual([100]);
  });

  it('a transient failure with attempts left is retried, without a pause', async () => {
    const { failures, pauses } = policy();
    const err = await failures.onFailure(TRANSIENT, job(3, 0)).catch((e: unknown) => e as Error);
    expect(decodeJobFailure((err as Error).message)).toEqual({
      code: 'provider_error',
      message: TRANSIENT.message,
    });
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(pauses).toEqual([]);
  });

  it('returns, saying how the job ends, only when it fails for good', async () => {
    const { failures, pauses } = policy();
    await expect(failures.onFailure(PERMANENT, job(3, 0))).resolves.toEqual({ permanent: true });
    await expect(failures.onFailure(TRANSIENT, job(3, 2))).resolves.toEqual({ permanent: false });
    expect(pauses).toEqual([]);
  });

  it('finalError: unrecoverable when permanent, and its message decodes to the failure', () => {
    const permanent = finalError(PERMANENT, true);
    expect(permanent).toBeInstanceOf(UnrecoverableError);
    expect(decodeJobFailure(permanent.message)).toEqual({ code: PERMANENT.code, message: PERMANENT.message });
    const exhausted = finalError(TRANSIENT, false);
    expect(exhausted).not.toBeInstanceOf(UnrecoverableError);
    expect(decodeJobFailure(exhausted.message).code).toBe('provider_error');
  });
});
