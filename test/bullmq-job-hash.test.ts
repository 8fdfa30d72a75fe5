/**
 * The job-hash adapter against real BullMQ: whatever it reads straight from Redis must equal what
 * BullMQ's own `Job.fromId` reports, for jobs that completed, failed for good, failed once then
 * completed, have not run, and do not exist. A BullMQ upgrade that renames or re-encodes a field
 * fails here, not in the API's sweep.
 */
import { Job, Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import { BullmqJobHashes } from '../shared/redis/bullmq-job-hash.js';
import { RedisKeys } from '../shared/redis/keys.js';
import { cleanPrefix, eventually, REDIS_URL, testPrefix } from './helpers/stack.js';

describe('BullmqJobHashes', () => {
  const prefix = testPrefix();
  const name = QUEUE_NAMES.translate;
  const redis = createRedis(REDIS_URL, 'blocking');
  const workerConnection = createRedis(REDIS_URL, 'blocking');
  const queue = new Queue(name, { connection: redis, prefix });
  let worker: Worker | undefined;

  afterAll(async () => {
    await worker?.close();
    await queue.close();
    redis.disconnect();
    workerConnection.disconnect();
    await cleanPrefix(prefix);
  });

  it('reads returnvalue, failedReason, finishedOn, attemptsMade and timestamp as Job.fromId does', async () => {
    const seen = new Map<string, number>();
    worker = new Worker(
      name,
      async (job) => {
        const attempt = (seen.get(job.id!) ?? 0) + 1;
        seen.set(job.id!, attempt);
        if (job.id === 'refused') throw new Error('refused for good');
        if (job.id === 'flaky' && attempt === 1) throw new Error('first attempt failed');
        return { translations: [{ text: 'hallo' }], attempt };
      },
      { connection: workerConnection, prefix },
    );
    await queue.add('x', {}, { jobId: 'ok' });
    await queue.add('x', {}, { jobId: 'refused', attempts: 2 });
    await queue.add('x', {}, { jobId: 'flaky', attempts: 2 });
    await queue.add('x', {}, { jobId: 'later', delay: 60_000 });
    const finished = ['ok', 'refused', 'flaky'];
    await eventually(async () => {
      const jobs = await Promise.all(finished.map((id) => Job.fromId(queue, id)));
      return jobs.every((job) => job?.finishedOn !== undefined);
    });

    const keys = new RedisKeys(prefix);
    const adapter = new BullmqJobHashes(redis, (id) => keys.job(name, id));
    const ids = [...finished, 'later', 'never-added'];
    const snapshots = await adapter.read(ids);

    for (const [i, id] of ids.slice(0, 4).entries()) {
      const job = (await Job.fromId(queue, id))!;
      const state = await job.getState();
      expect(snapshots[i]).toEqual({
        state: state === 'completed' || state === 'failed' ? state : 'unfinished',
        timestamp: job.timestamp,
        ...(job.finishedOn !== undefined ? { finishedOn: job.finishedOn } : {}),
        attemptsMade: job.attemptsMade,
        ...(job.returnvalue !== null ? { returnvalue: job.returnvalue } : {}),
        ...(job.failedReason !== undefined ? { failedReason: job.failedReason } : {}),
      });
    }
    // The values themselves, so the comparison above cannot pass on two empty reads.
    expect(snapshots[0]).toMatchObject({
      state: 'completed',
      attemptsMade: 1,
      returnvalue: { translations: [{ text: 'hallo' }], attempt: 1 },
    });
    expect(snapshots[1]).toMatchObject({
      state: 'failed',
      attemptsMade: 2,
      failedReason: 'refused for good',
    });
    expect(snapshots[1]).not.toHaveProperty('returnvalue');
    expect(snapshots[2]).toMatchObject({ state: 'completed', attemptsMade: 2, returnvalue: { attempt: 2 } });
    expect(snapshots[3]).toEqual({ state: 'unfinished', timestamp: expect.any(Number), attemptsMade: 0 });
    expect(snapshots[4]).toEqual({ state: 'missing' });
    for (const snapshot of snapshots.slice(0, 3)) {
      expect(snapshot).toHaveProperty('finishedOn', expect.any(Number));
    }
  });
});
