/** Prometheus metrics of the API (GET /metrics) and of a worker (its metrics server), through the real stack. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from '../worker/metrics-server.js';
import { workerRegistry } from '../worker/metrics.js';
import { eventually, getJson, itemOf, postJson, startStack, type Stack } from './helpers/stack.js';
import { labelSets, sample, scrape } from './helpers/prometheus.js';

const TOKEN = 'metrics-secret-of-32-characters!';

describe('metrics', () => {
  let stack: Stack;
  let workerMetrics: MetricsServer;
  beforeAll(async () => {
    stack = await startStack({
      env: { METRICS_TOKEN: TOKEN, QUEUE_METRICS_INTERVAL_MS: '100', JOB_ATTEMPTS: '2' },
    });
    workerMetrics = await startMetricsServer({
      registry: workerRegistry,
      port: 0,
      host: '127.0.0.1',
      token: TOKEN,
    });
  });
  afterAll(async () => {
    await workerMetrics?.close();
    await stack?.close();
  });

  const apiMetrics = () => scrape(`${stack.url}/metrics`, TOKEN);
  const workerText = () => scrape(`${workerMetrics.url}/metrics`, TOKEN);

  it('needs METRICS_TOKEN on the API and on the worker when it is set', async () => {
    const none = await getJson(`${stack.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      error: { code: 'unauthorized', message: 'A valid metrics token is required.' },
    });
    expect((await getJson(`${stack.url}/metrics`, { authorization: 'Bearer wrong' })).status).toBe(401);
    const worker = await fetch(`${workerMetrics.url}/metrics`);
    expect(worker.status).toBe(401);
    expect(worker.headers.get('www-authenticate')).toContain('Bearer');
    const ok = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    const text = await ok.text();
    // Process default metrics in both processes.
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(await workerText()).toContain('process_resident_memory_bytes');
  });

  it('times HTTP requests by route pattern and status, never by raw path', async () => {
    const before = await apiMetrics();
    const count = (text: string, method: string, route: string, status: string) =>
      sample(text, 'http_request_duration_seconds_count', { method, route, status_code: status }) ?? 0;

    const done = await postJson(`${stack.url}/v1/translate`, { src_text: 'count me', tgt_lang: 'de' });
    expect(done.status).toBe(200);
    await getJson(`${stack.url}/v1/jobs/${done.body.job_id}`);
    await getJson(`${stack.url}/v1/jobs/00000000-0000-4000-8000-000000000000.0`);
    await getJson(`${stack.url}/no/such/path/${Math.random()}`);
    await postJson(`${stack.url}/v1/translate`, { tgt_lang: 'de' });

    const after = await apiMetrics();
    expect(count(after, 'POST', '/v1/translate', '200') - count(before, 'POST', '/v1/translate', '200')).toBe(
      1,
    );
    expect(count(after, 'POST', '/v1/translate', '400') - count(before, 'POST', '/v1/translate', '400')).toBe(
      1,
    );
    expect(count(after, 'GET', '/v1/jobs/:id', '200') - count(before, 'GET', '/v1/jobs/:id', '200')).toBe(1);
    expect(count(after, 'GET', '/v1/jobs/:id', '404') - count(before, 'GET', '/v1/jobs/:id', '404')).toBe(1);
    expect(count(after, 'GET', 'unmatched', '404') - count(before, 'GET', 'unmatched', '404')).toBe(1);
    const routes = new Set(labelSets(after, 'http_request_duration_seconds_count').map((l) => l.route));
    for (const route of routes)
      expect(['/v1/translate', '/v1/jobs/:id', '/metrics', 'unmatched']).toContain(route);
    expect(
      (sample(after, 'translation_api_requests_total', { outcome: 'done', key: 'open' }) ?? 0) -
        (sample(before, 'translation_api_requests_total', { outcome: 'done', key: 'open' }) ?? 0),
    ).toBe(1);
  });

  it('records provider requests, segments, characters and completed jobs in the worker', async () => {
    const before = await workerText();
    const text = 'Grüße 👋 aus Köln';
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: text,
      tgt_lang: 'en',
      src_lang: 'de',
    });
    expect(res.status).toBe(200);
    const after = await eventually(async () => {
      const t = await workerText();
      const done =
        (sample(t, 'translation_jobs_completed_total', { queue: 'translate' }) ?? 0) -
        (sample(before, 'translation_jobs_completed_total', { queue: 'translate' }) ?? 0);
      return done === 1 ? t : undefined;
    });
    const delta = (name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('translation_provider_request_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(delta('translation_provider_segments_count')).toBe(1);
    expect(delta('translation_provider_segments_sum')).toBe(1);
    // Code points, as Google counts them: the emoji is one character.
    expect(delta('translation_provider_characters_total', { outcome: 'ok' })).toBe([...text].length);
    expect(delta('translation_job_latency_seconds_count', { queue: 'translate' })).toBe(1);
  });

  it('counts final failures by reason and retried attempts separately', async () => {
    const before = await workerText();
    stack.emulator.setOptions({ failNext: { count: 2, kind: '500' } });
    const failed = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'fails',
      tgt_lang: 'en',
      src_lang: 'fr',
    });
    expect(failed.status).toBe(502);
    const rejected = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'x',
      tgt_lang: 'xx',
      src_lang: 'en',
    });
    expect(rejected.status).toBe(400);
    const after = await eventually(async () => {
      const t = await workerText();
      return (sample(t, 'translation_jobs_failed_total', {
        queue: 'translate',
        reason: 'unsupported_language',
      }) ?? 0) >
        (sample(before, 'translation_jobs_failed_total', {
          queue: 'translate',
          reason: 'unsupported_language',
        }) ?? 0)
        ? t
        : undefined;
    });
    const delta = (name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('translation_jobs_failed_total', { queue: 'translate', reason: 'provider_error' })).toBe(1);
    expect(delta('translation_job_retries_total', { queue: 'translate', reason: 'provider_error' })).toBe(1);
    expect(
      delta('translation_jobs_failed_total', { queue: 'translate', reason: 'unsupported_language' }),
    ).toBe(1);
    expect(delta('translation_provider_request_duration_seconds_count', { outcome: 'transient' })).toBe(2);
    expect(delta('translation_provider_request_duration_seconds_count', { outcome: 'permanent' })).toBe(1);
  });

  it('counts cache hits and misses, joins of identical jobs in flight, and batches', async () => {
    const apiBefore = await apiMetrics();
    const workerBefore = await workerText();
    const body = { src_text: `cache me ${Math.random()}`, tgt_lang: 'de', src_lang: 'en' };
    expect((await postJson(`${stack.url}/v1/translate`, body)).body.cached).toBeUndefined();
    await eventually(async () => (await postJson(`${stack.url}/v1/translate`, body)).body.cached === true);

    stack.emulator.setOptions({ latencyMs: 300 });
    try {
      const same = { src_text: `join me ${Math.random()}`, tgt_lang: 'de', src_lang: 'en' };
      const first = await postJson(`${stack.url}/v1/translate`, same, { Prefer: 'respond-async' });
      const second = await postJson(`${stack.url}/v1/translate`, same);
      // Joined: one item, but each request has an id of its own (issue 12).
      expect(second.body.job_id).not.toBe(first.body.job_id);
      expect(await itemOf(stack, second.body.job_id)).toEqual({
        ...(await itemOf(stack, first.body.job_id)),
        joined: true,
      });
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }

    const batch = await postJson(
      `${stack.url}/v1/batches`,
      { src_texts: ['eins', 'zwei'], tgt_langs: ['en', 'fr'] },
      { Prefer: 'wait=10' },
    );
    expect(batch.body.status).toBe('completed');

    const apiAfter = await apiMetrics();
    const apiDelta = (name: string, labels: Record<string, string> = {}) =>
      (sample(apiAfter, name, labels) ?? 0) - (sample(apiBefore, name, labels) ?? 0);
    expect(apiDelta('translation_cache_hits_total')).toBeGreaterThanOrEqual(1);
    // The first request of each text, and the cache-miss polls until the write landed.
    expect(apiDelta('translation_cache_misses_total')).toBeGreaterThanOrEqual(3);
    expect(apiDelta('translation_dedup_joined_total')).toBe(1);
    expect(apiDelta('translation_batches_submitted_total', { key: 'open' })).toBe(1);
    expect(apiDelta('translation_batch_items_submitted_total', { key: 'open' })).toBe(4);
    const workerAfter = await workerText();
    const chunks =
      (sample(workerAfter, 'translation_jobs_completed_total', { queue: 'translate-batch' }) ?? 0) -
      (sample(workerBefore, 'translation_jobs_completed_total', { queue: 'translate-batch' }) ?? 0);
    expect(chunks).toBeGreaterThanOrEqual(1);
  });

  it('records waits for the fleet quota', async () => {
    const limited = await startStack({ env: { PROVIDER_MAX_RPS: '1', PROVIDER_BATCHING: 'false' } });
    try {
      const before = sample(await workerText(), 'translation_quota_wait_seconds_count') ?? 0;
      const results = await Promise.all(
        ['a', 'b', 'c'].map((t) =>
          postJson(`${limited.url}/v1/translate`, {
            src_text: `quota ${t} ${Math.random()}`,
            tgt_lang: 'de',
          }),
        ),
      );
      for (const r of results) expect(r.status).toBe(200);
      expect(
        (sample(await workerText(), 'translation_quota_wait_seconds_count') ?? 0) - before,
      ).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('observes the fleet quota wait once per provider request, however long it waited', async () => {
    const limited = await startStack({ env: { PROVIDER_MAX_RPS: '1', PROVIDER_BATCHING: 'false' } });
    try {
      const before = await workerText();
      // Unpacked, three requests are three jobs and three provider requests; arriving together,
      // with a bucket of 1 request refilled in 1 s, the second waits about 1 s and the third 2 s
      // (several turns of the limiter's loop each).
      const results = await Promise.all(
        ['a', 'b', 'c'].map((t) =>
          postJson(`${limited.url}/v1/translate`, { src_text: `once ${t} ${Math.random()}`, tgt_lang: 'de' }),
        ),
      );
      for (const r of results) expect(r.status).toBe(200);
      const after = await workerText();
      const delta = (name: string, labels: Record<string, string> = {}) =>
        (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
      expect(delta('translation_provider_request_duration_seconds_count', { outcome: 'ok' })).toBe(3);
      expect(delta('translation_quota_wait_seconds_count')).toBe(3);
      // Each wait observed in full, not per turn of the loop.
      expect(delta('translation_quota_wait_seconds_sum')).toBeGreaterThan(1);
    } finally {
      await limited.close();
    }
  });

  it('samples queue depth on an interval, not per scrape', async () => {
    await Promise.all(stack.workers.map((w) => w.close()));
    stack.workers.length = 0;
    for (let i = 0; i < 3; i++) {
      const res = await postJson(
        `${stack.url}/v1/translate`,
        { src_text: `queued ${i}`, tgt_lang: 'fr' },
        { Prefer: 'respond-async' },
      );
      expect(res.status).toBe(202);
    }
    await eventually(async () => {
      const t = await apiMetrics();
      return sample(t, 'translation_queue_jobs', { queue: 'translate', state: 'waiting' }) === 3;
    });
    const text = await apiMetrics();
    for (const state of ['active', 'delayed', 'failed', 'prioritized']) {
      expect(sample(text, 'translation_queue_jobs', { queue: 'translate', state })).toBeTypeOf('number');
    }
    await stack.startWorker();
    await eventually(async () => {
      const t = await apiMetrics();
      return sample(t, 'translation_queue_jobs', { queue: 'translate', state: 'waiting' }) === 0;
    });
  });
});
