import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobLogFields } from '../../worker/job-log-fields.js';

const job = (id: string | undefined, data: unknown) => ({ id, data }) as unknown as Job;

describe('jobLogFields', () => {
  it('one request: requestId', () => {
    expect(jobLogFields(job('7', { request_ids: ['r1'] }))).toEqual({ jobId: '7', requestId: 'r1' });
  });

  it('several packed requests: requestIds, in order', () => {
    expect(jobLogFields(job('7', { request_ids: ['r1', 'r2'] }))).toEqual({
      jobId: '7',
      requestIds: ['r1', 'r2'],
    });
  });

  it('no request ids, or malformed ones (job data is untrusted): the job id alone', () => {
    for (const data of [
      undefined,
      {},
      { request_ids: [] },
      { request_ids: 'r1' },
      { request_ids: [1, null] },
    ]) {
      expect(jobLogFields(job('7', data))).toEqual({ jobId: '7' });
    }
    expect(jobLogFields(job('7', { request_ids: [1, 'r2'] }))).toEqual({ jobId: '7', requestId: 'r2' });
  });
});
