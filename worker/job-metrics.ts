/** Records job outcomes of a BullMQ worker into the worker metrics (completed, failed by reason, retries). */
import type { Worker } from 'bullmq';
import { decodeJobFailure } from '../shared/jobs/job-failure.js';
import { jobLatency, jobRetries, jobsCompleted, jobsFailed } from './metrics.js';

export function recordJobMetrics(worker: Worker): void {
  const queue = worker.name;
  worker.on('completed', (job) => {
    jobsCompleted.inc({ queue });
    if (job.finishedOn) jobLatency.observe({ queue }, Math.max(0, job.finishedOn - job.timestamp) / 1000);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const reason = decodeJobFailure(err.message).code;
    // BullMQ sets finishedOn only when it does not retry the job (out of attempts, or an
    // UnrecoverableError that ends it before they are used up).
    const final = job.finishedOn !== undefined;
    (final ? jobsFailed : jobRetries).inc({ queue, reason });
  });
}
