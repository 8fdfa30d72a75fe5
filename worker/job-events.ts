/**
 * Reports a BullMQ worker's job outcomes as events (shared/events.ts): `job:completed`,
 * `job:retry` (an attempt failed, the queue retries it) and `job:failed` (failed for good). The
 * one place that tells a retried attempt from a final failure: metrics and the worker's log line
 * subscribe to these events instead of each reading BullMQ's.
 */
import type { Worker } from 'bullmq';
import { decodeJobFailure } from '../shared/jobs/job-failure.js';
import type { EventBus } from '../shared/events.js';

export function emitJobEvents(worker: Worker, events: EventBus): void {
  const queue = worker.name;
  worker.on('completed', (job) => events.emit('job:completed', { queue, job }));
  worker.on('failed', (job, error) => {
    if (!job) return;
    const code = decodeJobFailure(error.message).code;
    // BullMQ sets finishedOn only when it does not retry the job (out of attempts, or an
    // UnrecoverableError that ends it before they are used up).
    events.emit(job.finishedOn !== undefined ? 'job:failed' : 'job:retry', { queue, job, error, code });
  });
}
