/** How long finished jobs (and so the results clients poll for after a 202) are kept. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { translateJobOptions } from '../../shared/jobs/translate-job.js';
import { retryingJobOptions } from '../../shared/queues.js';

describe('result retention', () => {
  it('keeps finished jobs RESULT_TTL_S with no count cap by default', () => {
    const options = translateJobOptions(loadConfig({ RESULT_TTL_S: '3600' }));
    expect(options.removeOnComplete).toEqual({ age: 3600 });
    expect(options.removeOnFail).toEqual({ age: 3600 });
  });

  it('applies RESULT_MAX_COUNT only when it is set', () => {
    const options = retryingJobOptions(loadConfig({ RESULT_MAX_COUNT: '9000000' }), 3, 500);
    expect(options.removeOnComplete).toEqual({ age: 86_400, count: 9_000_000 });
    expect(options.removeOnFail).toEqual({ age: 86_400, count: 9_000_000 });
  });
});
