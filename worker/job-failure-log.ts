/** The worker's log line for a job that failed for good, subscribed to its job events. */
import type { EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';
import { jobLogFields } from './job-log-fields.js';

/**
 * Logs `job failed for good` at warn for jobs of `queue`. The processor has already ended the
 * job's in-flight marks. (Batch chunks settle and log their own failures: see create-batch-workers.)
 */
export function logFailedJobs(events: EventBus, logger: Logger, queue: string): () => void {
  return events.on('job:failed', (e) => {
    if (e.queue === queue)
      logger.warn({ ...jobLogFields(e.job), reason: e.error.message }, 'job failed for good');
  });
}
