/**
 * Samples queue depth on an interval and reports it as `queue:sampled` events (the
 * `translation_queue_jobs` gauge), so a scrape or a request never costs a Redis round trip of its
 * own. One getJobCounts call per queue per tick.
 */
import type { Queue } from 'bullmq';
import type { EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'completed', 'paused'] as const;

export function startQueueDepthSampler(
  queues: Queue[],
  everyMs: number,
  logger: Logger,
  events: EventBus,
): () => void {
  let running = false;
  const sample = async () => {
    if (running) return;
    running = true;
    try {
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...STATES);
        const sampled: Record<string, number> = {};
        for (const state of STATES) sampled[state] = counts[state] ?? 0;
        events.emit('queue:sampled', { queue: queue.name, counts: sampled });
      }
    } catch (err) {
      // Redis away: keep the last values; readiness reports the outage.
      logger.debug({ err: (err as Error).message }, 'queue depth sample failed');
    } finally {
      running = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
