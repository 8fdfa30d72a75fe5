/** POST /v1/translate and GET /v1/jobs/{id} through the real stack. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/create-api.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { eventually, getJson, postJson, startStack, testPrefix, type Stack } from './helpers/stack.js';

const JOB_ID = /^[A-Za-z0-9_-]{62}$/;

describe('sync translation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { JOB_ATTEMPTS: '2' } });
  });
  afterAll(() => stack?.close());

  it('translates a text through queue, worker, Google client and emulator', async () => {
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: '안녕',
      tgt_lang: 'en',
      src_lang: 'ko',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      job_id: expect.stringMatching(JOB_ID),
      src_lang: 'ko',
      src_text: '안녕',
      tgt_lang: 'en',
      tgt_text: '[en] 안녕',
    });
    expect(res.headers.get('x-request-id')).toBeTruthy();
    // The same result is readable by id.
    const job = await getJson(`${stack.url}/v1/jobs/${res.body.job_id}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      job_id: res.body.job_id,
      status: 'completed',
      attempts: 1,
      result: res.body,
    });
    expect(Date.parse(job.body.created_at)).not.toBeNaN();
    expect(Date.parse(job.body.finished_at)).not.toBeNaN();
  });

  it('returns the detected language when src_lang is omitted or auto', async () => {
    const omitted = await postJson(`${stack.url}/v1/translate`, { src_text: '안녕하세요', tgt_lang: 'en' });
    expect(omitted.status).toBe(200);
    expect(omitted.body).toMatchObject({ src_lang: 'auto', tgt_text: 'Hello', detected_src_lang: 'ko' });
    const auto = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'こんにちは世界',
      tgt_lang: 'en',
      src_lang: 'auto',
    });
    expect(auto.body).toMatchObject({
      src_lang: 'auto',
      detected_src_lang: 'ja',
      tgt_text: '[en] こんにちは世界',
    });
  });

  it('passes the format through (html is escaped by the provider, text is not)', async () => {
    const text = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'a < b & c',
      tgt_lang: 'fr',
      src_lang: 'en',
    });
    expect(text.body.tgt_text).toBe('[fr] a < b & c');
    const html = await postJson(`${stack.url}/v1/translate`, {
      src_text: '<b>a & b</b>',
      tgt_lang: 'fr',
      src_lang: 'en',
      format: 'html',
    });
    expect(html.body.tgt_text).toContain('&amp;');
    expect(html.body.tgt_text).toContain('<b>');
  });

  it('handles texts of every length from 1 to 128 characters and up to MAX_TEXT_CHARS', async () => {
    const texts = [1, 2, 64, 127, 128, 5000].map((n) => 'é'.repeat(n));
    const results = await Promise.all(
      texts.map((t) =>
        postJson(`${stack.url}/v1/translate`, { src_text: t, tgt_lang: 'de', src_lang: 'fr' }),
      ),
    );
    results.forEach((r, i) => expect(r.body.tgt_text).toBe(`[de] ${texts[i]}`));
  });

  it('maps a language the provider rejects to 400 unsupported_language, without retrying', async () => {
    const before = stack.emulator.stats().rejectedRequests;
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'hello',
      tgt_lang: 'xx',
      src_lang: 'en',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unsupported_language');
    expect(stack.emulator.stats().rejectedRequests - before).toBe(1);
  });

  it('answers 502 provider_error once the provider failed every attempt, and the job records it', async () => {
    stack.emulator.setOptions({ failNext: { count: 2, kind: '500' } });
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'will fail',
      tgt_lang: 'en',
      src_lang: 'fr',
    });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: { code: 'provider_error', message: expect.stringContaining('500') } });
  });

  it('recovers from a transient provider failure by retrying in the queue', async () => {
    stack.emulator.setOptions({ failNext: { count: 1, kind: '503' } });
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'retry me',
      tgt_lang: 'en',
      src_lang: 'fr',
    });
    expect(res.status).toBe(200);
    const job = await getJson(`${stack.url}/v1/jobs/${res.body.job_id}`);
    expect(job.body).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('answers 202 with Location when the wait runs out, and the job completes later', async () => {
    // The provider takes far longer than the client will wait: the answer is 202, not the result.
    stack.emulator.setOptions({ latencyMs: 2500 });
    try {
      const res = await postJson(
        `${stack.url}/v1/translate`,
        { src_text: 'slow', tgt_lang: 'en', src_lang: 'fr' },
        { Prefer: 'wait=0.1' },
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ job_id: expect.stringMatching(JOB_ID), status: 'queued' });
      expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.job_id}`);
      const done = await eventually(async () => {
        const job = await getJson(`${stack.url}${res.headers.get('location')}`);
        return job.body.status === 'completed' ? job.body : undefined;
      });
      expect(done.result).toMatchObject({ job_id: res.body.job_id, src_text: 'slow', tgt_text: '[en] slow' });
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });

  it('Prefer: respond-async answers 202 at once', async () => {
    const res = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'async', tgt_lang: 'en' },
      { Prefer: 'respond-async' },
    );
    expect(res.status).toBe(202);
  });

  it('a client that disconnects mid-wait costs nothing further: the job still completes', async () => {
    stack.emulator.setOptions({ latencyMs: 400 });
    try {
      const abort = new AbortController();
      const request = fetch(`${stack.url}/v1/translate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ src_text: 'gone', tgt_lang: 'en', src_lang: 'fr' }),
        signal: abort.signal,
      });
      await eventually(async () => stack.api.waiter.size === 1);
      abort.abort();
      await expect(request).rejects.toThrow();
      // The wait is dropped at once ...
      await eventually(async () => stack.api.waiter.size === 0, 1000);
      // ... and the job finishes anyway.
      const job = await eventually(async () =>
        (await stack.api.queue.getJobs(['completed'])).find((j) => j.data.texts[0] === 'gone'),
      );
      expect(job.returnvalue).toEqual({ results: [{ text: '[en] gone' }] });
      expect(stack.emulator.seenCount('gone')).toBe(1);
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });

  it('answers 2,000 concurrent waiting requests in one API process, each with its own result', async () => {
    stack.emulator.setOptions({ latencyMs: 100 });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const n = 2000;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          postJson(`${stack.url}/v1/translate`, {
            src_text: `text number ${i}`,
            tgt_lang: 'ja',
            src_lang: 'en',
          }),
        ),
      );
      results.forEach((r, i) => {
        expect(r.status).toBe(200);
        expect(r.body.tgt_text).toBe(`[ja] text number ${i}`);
      });
      expect(new Set(results.map((r) => r.body.job_id)).size).toBe(n);
      expect(stack.api.waiter.size).toBe(0);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  }, 60_000);
});

describe('jobs endpoint', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('404 not_found for an unknown or malformed job id', async () => {
    const unknown = await getJson(`${stack.url}/v1/jobs/${'A'.repeat(62)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const malformed = await getJson(`${stack.url}/v1/jobs/..%2F..%2Fetc`);
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('not_found');
  });

  it('reports queued while no worker runs, then completed', async () => {
    await Promise.all(stack.workers.map((w) => w.close()));
    stack.workers.length = 0;
    const res = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'later', tgt_lang: 'fr' },
      { Prefer: 'wait=0' },
    );
    expect(res.status).toBe(202);
    const queued = await getJson(`${stack.url}/v1/jobs/${res.body.job_id}`);
    expect(queued.body).toMatchObject({ status: 'queued', attempts: 0 });
    expect(queued.body.result).toBeUndefined();
    await stack.startWorker();
    const done = await eventually(async () => {
      const job = await getJson(`${stack.url}/v1/jobs/${res.body.job_id}`);
      return job.body.status === 'completed' ? job.body : undefined;
    });
    expect(done.result).toMatchObject({ tgt_text: '[fr] later', detected_src_lang: 'en' });
  });
});

describe('health', () => {
  it('/healthz and /readyz answer 200 while Redis answers', async () => {
    const stack = await startStack({ workers: 0 });
    try {
      expect((await getJson(`${stack.url}/healthz`)).status).toBe(200);
      expect(await getJson(`${stack.url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    } finally {
      await stack.close();
    }
  });

  it('answers 503 unavailable fast, never hangs, when Redis cannot be reached', async () => {
    const config = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_PREFIX: testPrefix(),
      LOG_LEVEL: 'silent',
    });
    const api = createApi({ config, logger: createLogger(config, 'test') });
    const { url } = await api.listen(0, '127.0.0.1');
    try {
      const started = Date.now();
      const res = await postJson(`${url}/v1/translate`, { src_text: 'hi', tgt_lang: 'en' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.headers.get('retry-after')).toBe('1');
      const ready = await getJson(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await getJson(`${url}/v1/jobs/${'A'.repeat(62)}`)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
      expect((await getJson(`${url}/healthz`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
