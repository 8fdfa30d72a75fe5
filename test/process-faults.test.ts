/**
 * Processes dying or stopping under load, as real child processes: a worker killed mid-job, a worker
 * stopped with SIGTERM, an API process stopped with SIGTERM while clients wait.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startApiProcess, startWorkerProcess } from './helpers/processes.js';
import { eventually, getJson, itemOf, postJson, stackEnv, startStack, type Stack } from './helpers/stack.js';

// Stall detection in about a second instead of half a minute.
// Unbatched: these tests count the provider requests in flight, one per job.
const FAST_STALLS = { LOCK_DURATION_MS: '1000', STALLED_INTERVAL_MS: '500', PROVIDER_BATCHING: 'false' };

function translate(url: string, text: string, headers: Record<string, string> = {}) {
  return postJson(`${url}/v1/translate`, { src_text: text, tgt_lang: 'en', src_lang: 'fr' }, headers);
}

describe('process faults', () => {
  let stack: Stack;
  let env: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: FAST_STALLS });
    env = stackEnv(stack.emulator, stack.config.QUEUE_PREFIX, FAST_STALLS);
  });
  afterEach(async () => {
    await killAll();
    await Promise.all(stack.workers.map((w) => w.close()));
    stack.workers.length = 0;
    stack.emulator.setOptions({ latencyMs: 0 });
  });
  afterAll(async () => {
    await killAll();
    await stack?.close();
  });

  it('a worker killed mid-job: the other worker takes the job over after stall detection, once', async () => {
    const [a, b] = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
    stack.emulator.setOptions({ latencyMs: 3000 });
    const started = Date.now();
    const waiting = translate(stack.url, 'killed mid-job', { Prefer: 'wait=20' });
    await eventually(async () => stack.emulator.stats().inFlight === 1);
    const [job] = await stack.api.queue.getJobs(['active']);
    const holder = [a, b].find((p) => job?.processedBy?.endsWith(`:${p.child.pid}`));
    expect(holder).toBeDefined();
    holder!.kill('SIGKILL');
    expect(await holder!.exited).toBe('SIGKILL');
    stack.emulator.setOptions({ latencyMs: 0 });

    const res = await waiting;
    expect(res).toMatchObject({ status: 200, body: { tgt_text: '[en] killed mid-job' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    const done = await stack.api.queue.getJob((await itemOf(stack, res.body.job_id)).queueJobId);
    expect(done?.finishedOn).toBeTruthy();
    expect(done?.stalledCounter).toBe(1);
    const survivor = a === holder ? b : a;
    expect(done?.processedBy).toContain(`:${survivor.child.pid}`);
    // Sent once by the dead worker (never answered to it) and once by the survivor.
    expect(stack.emulator.seenCount('killed mid-job')).toBe(2);
    expect(await stack.api.queue.getJobCounts('failed', 'active', 'wait')).toEqual({
      failed: 0,
      active: 0,
      wait: 0,
    });
  }, 60_000);

  it('a worker stopped with SIGTERM takes no new job, finishes its jobs in flight and exits 0', async () => {
    const worker = await startWorkerProcess({ ...env, SHUTDOWN_GRACE_MS: '10000' });
    stack.emulator.setOptions({ latencyMs: 1500 });
    const inFlight = await Promise.all(
      [1, 2, 3].map((i) => translate(stack.url, `in flight ${i}`, { Prefer: 'respond-async' })),
    );
    await eventually(async () => stack.emulator.stats().inFlight === 3);
    worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const late = await translate(stack.url, 'arrived while stopping', { Prefer: 'respond-async' });
    expect(await worker.exited).toBe(0);
    for (const r of inFlight) {
      const job = await getJson(`${stack.url}/v1/jobs/${r.body.job_id}`);
      expect(job.body).toMatchObject({ status: 'completed', attempts: 1 });
    }
    // The job that came during shutdown was left for others, untouched.
    expect((await getJson(`${stack.url}/v1/jobs/${late.body.job_id}`)).body.status).toBe('queued');
    expect(stack.emulator.seenCount('arrived while stopping')).toBe(0);
    stack.emulator.setOptions({ latencyMs: 0 });
    await stack.startWorker(FAST_STALLS);
    await eventually(
      async () => (await getJson(`${stack.url}/v1/jobs/${late.body.job_id}`)).body.status === 'completed',
    );
    expect(await stack.api.queue.getJobCounts('failed')).toEqual({ failed: 0 });
  }, 60_000);

  it('an API stopped with SIGTERM: not ready at once, open waits answered (result or 202), exit 0', async () => {
    await stack.startWorker(FAST_STALLS);
    const api = await startApiProcess({ ...env, API_DRAIN_MS: '2000' });
    // One wait that finishes within the drain window, one that does not.
    stack.emulator.setOptions({ latencyMs: 1000 });
    const quick = translate(api.url, 'finishes while draining', { Prefer: 'wait=20' });
    await eventually(async () => stack.emulator.stats().inFlight === 1);
    stack.emulator.setOptions({ latencyMs: 4000 });
    const slow = translate(api.url, 'outlasts the drain', { Prefer: 'wait=20' });
    await eventually(async () => stack.emulator.stats().inFlight === 2);

    const stoppedAt = Date.now();
    api.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    // Readiness fails at once: 503, or no new connection is accepted at all.
    const ready = await fetch(`${api.url}/readyz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(ready);

    const [q, s] = await Promise.all([quick, slow]);
    expect(q).toMatchObject({ status: 200, body: { tgt_text: '[en] finishes while draining' } });
    expect(s.status).toBe(202);
    expect(s.headers.get('location')).toBe(`/v1/jobs/${s.body.job_id}`);
    expect(await api.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    // The job behind the 202 still completes and can be fetched from another API process.
    await eventually(
      async () => (await getJson(`${stack.url}/v1/jobs/${s.body.job_id}`)).body.status === 'completed',
      10_000,
    );
  }, 60_000);
});
