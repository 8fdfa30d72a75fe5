/**
 * Job data comes from Redis and is untrusted: every processor validates it against its queue's
 * contract (shared/jobs/) before use. Malformed data cannot become valid by retrying, so the job
 * fails at once (`UnrecoverableError`) with a reason the client-facing codec understands.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';
import { encodeJobFailure } from '../../shared/jobs/job-failure.js';

export function parseJobData<S extends z.ZodType>(schema: S, job: Job, what: string): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      encodeJobFailure({ code: 'validation_failed', message: `Malformed ${what} data.` }),
    );
  }
  return parsed.data;
}
