import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { decodeJobFailure } from '../../shared/jobs/job-failure.js';
import { translateJobData } from '../../shared/jobs/translate-job.js';
import { parseJobData } from '../../worker/processors/job-data.js';

const jobWith = (data: unknown) => ({ data }) as Job;

describe('parseJobData (job data from Redis is untrusted)', () => {
  it('returns the parsed payload of a valid job', () => {
    const data = { texts: ['Hello'], target: 'fr', format: 'text' };
    expect(parseJobData(translateJobData, jobWith(data), 'job')).toEqual(data);
  });

  it('fails a malformed job for good, with a validation_failed reason the codec reads back', () => {
    let thrown: unknown;
    try {
      parseJobData(translateJobData, jobWith({ texts: [], target: 'fr' }), 'chunk job');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect(decodeJobFailure((thrown as Error).message)).toEqual({
      code: 'validation_failed',
      message: 'Malformed chunk job data.',
    });
  });
});
