/** JobWaiter's safety net: a completion whose event never arrives is still answered, from Redis. */
import { Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { JobWaiter } from '../api/sync/job-waiter.js';
import { decodeJobFailure } from '../shared/jobs/job-failure.js';
import { createRedis } from '../shared/redis.js';
import { cleanPrefix, REDIS_URL, testPrefix } from './helpers/stack.js';

describe('JobWaiter', () => {
  const prefix = testPrefix();
  const connections = [createRedis(REDIS_URL, 'blocking'), createRedis(REDIS_URL, 'blocking')];
  const [redis, workerConnection] = connections as [
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
  ];
  // Never started: every event of the queue is missed.
  const deafEvents = new QueueEvents('jw', { connection: redis, prefix, autorun: false });
  const queue = new Queue('jw', { connection: redis, prefix });
  let worker: Worker | undefined;

  afterAll(async () => {
    await worker?.close();
    await queue.close();
    await deafEvents.close();
    for (const c of connections) c.disconnect();
    await cleanPrefix(prefix);
  });

  it('answers waits whose completion event was missed by reading the job, ends waits for jobs that never appear, and counts open waits', async () => {
    const waiter = new JobWaiter({
      queueEvents: deafEvents,
      redis,
      jobKey: (id) => `${prefix}:jw:${id}`,
      sweepAfterMs: 100,
      sweepEveryMs: 50,
      missingAfterMs: 300,
    });
    try {
      const first = waiter.register('job-ok');
      const second = waiter.register('job-ok');
      const failing = waiter.register('job-bad');
      const dropped = waiter.register('job-dropped');
      const phantom = waiter.register('job-never-added');
      expect(waiter.size).toBe(5);
      dropped.cancel();
      expect(waiter.size).toBe(4);

      await queue.add('x', { ok: true }, { jobId: 'job-ok' });
      await queue.add('x', { ok: false }, { jobId: 'job-bad' });
      worker = new Worker(
        'jw',
        async (job) => {
          if (!(job.data as { ok: boolean }).ok) throw new Error('refused');
          return { text: 'done' };
        },
        { connection: workerConnection, prefix },
      );
      const [a, b, c, d] = await Promise.all([
        first.wait(10_000),
        second.wait(10_000),
        failing.wait(10_000),
        phantom.wait(10_000),
      ]);
      expect(a).toEqual({ status: 'completed', returnvalue: { text: 'done' } });
      expect(b).toEqual(a);
      expect(c).toEqual({ status: 'failed', failedReason: 'refused' });
      // A job that never appears ends its waits with a definite error, not a 202 for nothing.
      expect(d?.status).toBe('failed');
      expect(decodeJobFailure(d?.status === 'failed' ? d.failedReason : '').code).toBe('unavailable');
      expect(waiter.size).toBe(0);
    } finally {
      waiter.close();
    }
  });
});
