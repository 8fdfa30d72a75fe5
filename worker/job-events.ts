/**
 * Reports a BullMQ worker's job outcomes as events (shared/events.ts): `job:completed`,
 * `job:retry` (an attempt failed, the queue retries it) and `job:failed` (failed for good). The
 * one place that tells a retried attempt from a final failure: metrics and the worker's log line
 * subscribe to these events instead of each reading BullMQ's.
 */
import type { Job, Worker } from 'bullmq';
import { decodeJobFailure } from '../shared/jobs/job-failure.js';
import type { EventBus } from '../shared/events.js';

export function emitJobEvents(worker: Worker, events: EventBus): void {
  const queue = worker.name;
  worker.on('completed', (job) => events.emit('job:completed', { queue, job }));
  worker.on('failed', (job, error) => {
    if (!job) return;
    const code = decodeJobFailure(error.message).code;
    events.emit(failedForGood(job) ? 'job:failed' : 'job:retry', { queue, job, error, code });
  });
}

/**
 * Whether a job BullMQ reported failed will not run again. BullMQ sets finishedOn only when it does
 * not retry the job: out of attempts, or an UnrecoverableError, which is also how it ends a job that
 * stalled more than `maxStalledCount` times (a deferred failure, applied when a worker next takes it).
 */
export function failedForGood(job: Pick<Job, 'finishedOn'>): boolean {
  return job.finishedOn !== undefined;
}
