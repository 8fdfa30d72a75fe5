/** Horizontal scaling: several API and worker processes on one Redis, each client gets its own result. */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import { killAll, startApiProcess, startWorkerProcess, type ServiceProcess } from './helpers/processes.js';
import { cleanPrefix, eventually, postJson, REDIS_URL, stackEnv, testPrefix } from './helpers/stack.js';
import { createRedis } from '../shared/redis.js';
import { QUEUE_NAMES } from '../shared/queues.js';

describe('two API processes and two worker processes', () => {
  const prefix = testPrefix();
  let emulator: Emulator;
  let apis: (ServiceProcess & { url: string })[];
  let workers: ServiceProcess[];

  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, latencyMs: 20 });
    // One job per request, so that work spreads over both workers whatever the timing (packing
    // requests into jobs is covered in perf.test.ts).
    const env = stackEnv(emulator, prefix, { WORKER_CONCURRENCY: '20', PROVIDER_BATCHING: 'false' });
    [apis, workers] = await Promise.all([
      Promise.all([startApiProcess(env), startApiProcess(env)]),
      Promise.all([startWorkerProcess(env), startWorkerProcess(env)]),
    ]);
  }, 60_000);

  afterAll(async () => {
    await killAll();
    await emulator?.close();
    await cleanPrefix(prefix);
  });

  it('answers every client with its own translation, and both workers take part', async () => {
    const n = 200;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        postJson(`${apis[i % 2]!.url}/v1/translate`, {
          src_text: `message ${i}`,
          tgt_lang: 'ko',
          src_lang: 'en',
        }),
      ),
    );
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ src_text: `message ${i}`, tgt_text: `[ko] message ${i}` });
    });
    expect(new Set(results.map((r) => r.body.job_id)).size).toBe(n);
    // Every text reached the provider exactly once, whichever process handled it.
    for (let i = 0; i < n; i += 17) expect(emulator.seenCount(`message ${i}`)).toBe(1);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
    const connection = createRedis(REDIS_URL, 'blocking');
    const queue = new Queue(QUEUE_NAMES.translate, { connection, prefix });
    try {
      const jobs = await queue.getJobs(['completed'], 0, n);
      const byWorker = new Set(jobs.map((j) => j.processedBy));
      expect(byWorker.size).toBe(2);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);

  it('a job submitted to one API process can be read from the other', async () => {
    const res = await postJson(`${apis[0]!.url}/v1/translate`, {
      src_text: 'shared',
      tgt_lang: 'ja',
      src_lang: 'en',
    });
    const other = await fetch(`${apis[1]!.url}/v1/jobs/${res.body.job_id}`);
    expect(await other.json()).toMatchObject({ status: 'completed', result: { tgt_text: '[ja] shared' } });
  });

  it('identical requests in flight on different API processes share one job item', async () => {
    emulator.setOptions({ latencyMs: 1500 });
    try {
      const body = { src_text: 'herd across processes', tgt_lang: 'fr', src_lang: 'en' };
      const first = postJson(`${apis[0]!.url}/v1/translate`, body);
      // The first request is in flight before the others arrive.
      await eventually(async () => emulator.stats().inFlight === 1);
      const others = await Promise.all(
        Array.from({ length: 6 }, (_, i) => postJson(`${apis[i % 2]!.url}/v1/translate`, body)),
      );
      const all = [await first, ...others];
      for (const r of all) expect(r.body).toMatchObject({ tgt_text: '[fr] herd across processes' });
      // One item, but every request its own id (a joiner never learns the original request's id).
      expect(new Set(all.map((r) => r.body.job_id)).size).toBe(all.length);
      expect(emulator.seenCount('herd across processes')).toBe(1);
      for (const [i, r] of all.entries()) {
        const job = await fetch(`${apis[(i + 1) % 2]!.url}/v1/jobs/${r.body.job_id}`);
        expect(await job.json()).toMatchObject({ status: 'completed' });
      }
    } finally {
      emulator.setOptions({ latencyMs: 20 });
    }
  });
});
