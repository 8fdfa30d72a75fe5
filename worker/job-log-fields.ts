import type { Job } from 'bullmq';

/**
 * Fields every log line about a job carries: its id and the ids of the HTTP requests it serves
 * (`requestId` when one, `requestIds` when the API packed several requests into the job).
 */
export function jobLogFields(job: Job): {
  jobId: string | undefined;
  requestId?: string;
  requestIds?: string[];
} {
  const raw = (job.data as { request_ids?: unknown } | undefined)?.request_ids;
  const ids = Array.isArray(raw) ? raw.filter((id): id is string => typeof id === 'string') : [];
  if (ids.length === 1) return { jobId: job.id, requestId: ids[0]! };
  return { jobId: job.id, ...(ids.length > 1 ? { requestIds: ids } : {}) };
}
