/**
 * Provider faults from the emulator, through the real stack: what is retried and how (exponential
 * backoff with jitter, fleet-wide pauses on quota answers, timeouts), what fails at once, and what
 * a client gets when every attempt failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { createRedis, deleteKeysWithPrefix } from '../shared/redis.js';
import { FleetQuotaLimiter } from '../worker/provider/fleet-quota-limiter.js';
import { GoogleTranslator } from '../worker/provider/google-translator.js';
import { quotaWait } from '../worker/metrics.js';
import {
  getJson,
  postJson,
  REDIS_URL,
  stackEnv,
  startStack,
  testPrefix,
  type Stack,
} from './helpers/stack.js';

/** Arrival times of the translate requests that carried `text`. */
function arrivals(stack: Stack, text: string): number[] {
  return stack.emulator
    .stats()
    .log.filter((e) => e.characters === [...text].length && stack.emulator.hasSeen(text))
    .map((e) => e.at);
}

function translate(stack: Stack, text: string, headers: Record<string, string> = {}) {
  return postJson(`${stack.url}/v1/translate`, { src_text: text, tgt_lang: 'en', src_lang: 'fr' }, headers);
}

describe('transient faults and timeouts', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '200', PROVIDER_TIMEOUT_MS: '300' },
    });
  });
  afterAll(() => stack?.close());

  it('retries 5xx with exponential backoff and jitter, then completes', async () => {
    stack.emulator.resetStats();
    stack.emulator.setOptions({ failNext: { count: 2, kind: '503' } });
    const res = await translate(stack, 'backoff one');
    expect(res).toMatchObject({ status: 200, body: { tgt_text: '[en] backoff one' } });
    const at = arrivals(stack, 'backoff one');
    expect(at).toHaveLength(3);
    // Delays are 200·2^(n-1) with 50 % jitter: at least 100 ms, then at least 200 ms.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(100);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(200);
    const job = await getJson(`${stack.url}/v1/jobs/${res.body.job_id}`);
    expect(job.body).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('gives up on a hung provider call after PROVIDER_TIMEOUT_MS and retries it', async () => {
    stack.emulator.setOptions({ failNext: { count: 1, kind: 'hang' } });
    const started = Date.now();
    const res = await translate(stack, 'hung once');
    expect(res).toMatchObject({ status: 200, body: { tgt_text: '[en] hung once' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(stack.emulator.seenCount('hung once')).toBe(2);
  });

  it('answers 502 provider_error naming the cause once every attempt timed out', async () => {
    stack.emulator.setOptions({ hang: true });
    try {
      const res = await translate(stack, 'always hung', { Prefer: 'wait=10' });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        error: { code: 'provider_error', message: 'The provider did not answer in time.' },
      });
      expect(stack.emulator.seenCount('always hung')).toBe(3);
    } finally {
      stack.emulator.setOptions({ hang: false });
    }
  });

  it('fails a daily-quota answer at once (waiting would take hours), with a definite error', async () => {
    stack.emulator.setOptions({ failNext: { count: 1, kind: '403-daily' } });
    const res = await translate(stack, 'daily quota');
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      code: 'provider_error',
      message: "The provider's daily quota is used up.",
    });
    expect(stack.emulator.seenCount('daily quota')).toBe(1);
  });
});

describe('quota answers slow the whole fleet', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      workers: 2,
      env: {
        JOB_ATTEMPTS: '2',
        PROVIDER_QUOTA_PAUSE_MS: '600',
        PROVIDER_QUOTA_RETRIES: '2',
        WORKER_CONCURRENCY: '4',
        // These tests count provider requests per job.
        PROVIDER_BATCHING: 'false',
      },
    });
  });
  afterAll(() => stack?.close());

  it.each(['429', '403-quota'] as const)(
    'a %s pauses both workers, then the job completes without spending an attempt',
    async (kind) => {
      stack.emulator.resetStats();
      stack.emulator.setOptions({ failNext: { count: 1, kind } });
      const first = translate(stack, `quota ${kind}`, { Prefer: 'wait=10' });
      // Once the quota answer is in, more work arrives for two idle workers ...
      await waitFor(() => stack.emulator.stats().faultsInjected === 1);
      const faultAt = Date.now();
      const more = Array.from({ length: 6 }, (_, i) => translate(stack, `after ${kind} ${i}`));
      const results = await Promise.all([first, ...more]);
      for (const r of results) expect(r.status).toBe(200);
      // ... but no provider request is made until the pause (600 ms, jitter down to half) is over.
      const log = stack.emulator.stats().log;
      const fault = log.find((e) => e.fault === kind)!;
      const served = log.filter((e) => e.status === 200).map((e) => e.at);
      expect(served).toHaveLength(7);
      expect(Math.min(...served) - fault.at).toBeGreaterThanOrEqual(290);
      expect(Math.min(...served) - faultAt).toBeGreaterThanOrEqual(250);
      const job = await getJson(`${stack.url}/v1/jobs/${results[0]!.body.job_id}`);
      expect(job.body).toMatchObject({ status: 'completed', attempts: 1 });
    },
  );

  it('a job that keeps meeting quota answers ends with provider_error instead of looping forever', async () => {
    stack.emulator.resetStats();
    stack.emulator.setOptions({ failNext: { count: 1000, kind: '429' } });
    try {
      const res = await translate(stack, 'forever limited', { Prefer: 'wait=20' });
      expect(res.status).toBe(502);
      expect(res.body.error).toEqual({ code: 'provider_error', message: 'Provider quota exceeded (429).' });
      // Two requeues that cost no attempt, then JOB_ATTEMPTS (2) counted attempts.
      expect(stack.emulator.seenCount('forever limited')).toBe(4);
      // The pauses grew: each gap at least half of 600·2^n.
      const at = arrivals(stack, 'forever limited');
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(290);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(590);
    } finally {
      stack.emulator.setOptions({ failNext: { count: 0 } });
    }
  }, 20_000);
});

describe('permanent failures', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The emulator wants another key than the one the workers have.
    stack = await startStack({ emulator: { apiKey: 'the-real-key' } });
  });
  afterAll(() => stack?.close());

  it('502 provider_auth at once when the provider rejects our credentials', async () => {
    const res = await translate(stack, 'bad credentials');
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      error: { code: 'provider_auth', message: 'The provider rejected our credentials.' },
    });
    // Failed on its first attempt, with none left unused for nothing: no retry.
    const [job] = await stack.api.queue.getJobs(['failed']);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.opts.attempts).toBe(3);
  });
});

describe('fleet quota limiter (PROVIDER_MAX_CHARS_PER_MIN, PROVIDER_MAX_RPS)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // One provider request per job, so requests can be counted against the limit.
    stack = await startStack({ workers: 2, env: { PROVIDER_MAX_RPS: '5', PROVIDER_BATCHING: 'false' } });
  });
  afterAll(() => stack?.close());

  it('keeps the provider requests of two workers under PROVIDER_MAX_RPS together', async () => {
    const waitedSeconds = async () =>
      (await quotaWait.get()).values.find((v) => v.metricName === 'translation_quota_wait_seconds_sum')
        ?.value ?? 0;
    const waitedBefore = await waitedSeconds();
    stack.emulator.resetStats();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => translate(stack, `rps ${i}`)));
    for (const r of results) expect(r.status).toBe(200);
    // A burst of 5, then 5 per second: the other 10 need about 2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1700);
    const at = stack.emulator.stats().log.map((e) => e.at);
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(11);
    // The waits show in the worker's translation_quota_wait_seconds histogram.
    expect((await waitedSeconds()) - waitedBefore).toBeGreaterThan(1);
  });

  it('shares the character budget between limiters of different processes', async () => {
    const prefix = testPrefix();
    const config = loadConfig(stackEnv(stack.emulator, prefix, { PROVIDER_MAX_CHARS_PER_MIN: '6000' }));
    const redisA = createRedis(REDIS_URL, 'blocking');
    const redisB = createRedis(REDIS_URL, 'blocking');
    try {
      const a = new FleetQuotaLimiter(new GoogleTranslator(config), redisA, config);
      const b = new FleetQuotaLimiter(new GoogleTranslator(config), redisB, config);
      const request = (text: string) => ({
        texts: [text],
        target: 'en',
        source: 'fr',
        format: 'text' as const,
      });
      const started = Date.now();
      // The whole minute's burst goes through A at once ...
      await a.translate(request('x'.repeat(6000)));
      expect(Date.now() - started).toBeLessThan(1000);
      // ... so B must wait for 150 characters to refill at 100 per second.
      const [translated] = await b.translate(request('y'.repeat(150)));
      expect(translated?.text).toBe(`[en] ${'y'.repeat(150)}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    } finally {
      await deleteKeysWithPrefix(redisA, prefix);
      redisA.disconnect();
      redisB.disconnect();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
