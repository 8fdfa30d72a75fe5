import type { Job } from 'bullmq';

/** Fields every log line about a job carries: its id and the id of the HTTP request that made it. */
export function jobLogFields(job: Job): { jobId: string | undefined; requestId?: string } {
  const requestId = (job.data as { request_id?: unknown } | undefined)?.request_id;
  return { jobId: job.id, ...(typeof requestId === 'string' ? { requestId } : {}) };
}
