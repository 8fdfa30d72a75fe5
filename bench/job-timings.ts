/**
 * Where a service request's time goes, read from the finished translate jobs (BullMQ's own
 * timestamps, through its public API): how many requests each job carried, how long a job waited
 * for the worker (added → active) and how long the worker held it (active → finished, which
 * includes the provider call). What the client saw beyond that is the API's share: HTTP, the
 * packer's Redis calls and the completion event.
 */
import { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../shared/queues.js';
import { round } from './load.js';
import type { Bench } from './measure.js';
import type { Service } from './processes.js';

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50)} / p99 ${percentile(sorted, 99)} ms`;
};

/** One line about the service's translate jobs added since `since` (ms epoch). */
export async function jobTimings(bench: Bench, service: Service, since: number): Promise<string> {
  const queue = new Queue(QUEUE_NAMES.translate, { connection: bench.redis, prefix: service.prefix });
  try {
    const jobs = (await queue.getJobs(['completed'])).filter((j) => j.timestamp >= since);
    const texts = jobs.map((j) => (j.data as { texts?: unknown[] }).texts?.length ?? 0);
    const requests = texts.reduce((a, b) => a + b, 0);
    const waited = jobs.map((j) => (j.processedOn ?? j.timestamp) - j.timestamp);
    const held = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0));
    return (
      `${jobs.length} jobs for ${requests} new texts (${round(requests / Math.max(1, jobs.length), 1)} per job); ` +
      `added → active ${spread(waited)}; active → finished ${spread(held)}`
    );
  } finally {
    await queue.close();
  }
}
