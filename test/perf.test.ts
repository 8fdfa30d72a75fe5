/**
 * Behaviour (not speed) of the performance features: provider micro-batching, PROVIDER_CONCURRENCY,
 * the translation cache and in-flight deduplication. Through the real stack and the real Google
 * client over HTTP to the emulator; the batcher is also driven directly on the real client, where a
 * test needs calls to arrive in one event-loop turn.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import { ProviderBatcher, providerBatcherOptions } from '../worker/provider/provider-batcher.js';
import { GoogleTranslator } from '../worker/provider/google-translator.js';
import { createRedis } from '../shared/redis.js';
import { jobCacheParts, providerId, translationHash, TranslationCache } from '../shared/translation-cache.js';
import { RequestPacker } from '../api/sync/request-packer.js';
import {
  eventually,
  getJson,
  itemOf,
  postJson,
  REDIS_URL,
  startStack,
  stackEnv,
  type Stack,
} from './helpers/stack.js';

const REJECT = '__emulator_reject__';

/** Enqueues texts without waiting (no worker runs yet), returns their job ids in order. */
async function enqueue(stack: Stack, items: { text: string; target: string }[]): Promise<string[]> {
  const answers = await Promise.all(
    items.map((item) =>
      postJson(
        `${stack.url}/v1/translate`,
        { src_text: item.text, tgt_lang: item.target, src_lang: 'en' },
        { prefer: 'respond-async' },
      ),
    ),
  );
  return answers.map((a) => {
    expect(a.status).toBe(202);
    return a.body.job_id as string;
  });
}

/** Waits until every request's job item has finished. */
async function settled(stack: Stack, ids: string[]): Promise<void> {
  await eventually(async () => {
    const jobs = await Promise.all(ids.map((id) => getJson(`${stack.url}/v1/jobs/${id}`)));
    return jobs.every((job) => job.body.status === 'completed' || job.body.status === 'failed');
  }, 20_000);
}

describe('provider micro-batching through the stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { JOB_ATTEMPTS: '1', CACHE_TTL_S: '0' } });
  });
  afterEach(async () => {
    await Promise.all(stack.workers.map((w) => w.close()));
    stack.workers.length = 0;
    await stack.api.queue.obliterate({ force: true });
    stack.emulator.resetStats();
  });
  afterAll(() => stack?.close());

  // A window long enough for the worker to fetch the whole burst makes the count exact.
  const burstWorker = { WORKER_CONCURRENCY: '1000', PROVIDER_BATCH_WINDOW_MS: '1000' };

  it('a burst of N jobs to one target reaches the provider as ceil(N/128) requests', async () => {
    const n = 300;
    const ids = await enqueue(
      stack,
      Array.from({ length: n }, (_, i) => ({ text: `burst ${i}`, target: 'ja' })),
    );
    await stack.startWorker(burstWorker);
    await settled(stack, ids);
    const stats = stack.emulator.stats();
    expect(stats.requests).toBe(Math.ceil(n / 128));
    expect(stats.segments).toBe(n);
    // Each job got its own segment's translation.
    const job = await getJson(`${stack.url}/v1/jobs/${ids[7]}`);
    expect(job.body.result.tgt_text).toBe('[ja] burst 7');
  });

  it('requests that arrive in one turn travel as ceil(N/128) jobs, each request its own item', async () => {
    const redis = createRedis(REDIS_URL, 'producer');
    try {
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      const packer = new RequestPacker({
        queue: stack.api.queue,
        redis,
        waiter: stack.api.waiter,
        cache: new TranslationCache(redis, stack.config.QUEUE_PREFIX, 0),
        cacheScope: 'shared',
        packing: true,
        maxChars: 1_000_000,
      });
      const shape = { target: 'ja', source: 'en', format: 'text' as const };
      const place = (text: string) =>
        packer.place({
          text,
          shape,
          owner: 'open',
          hash: translationHash(jobCacheParts('test', shape, text)),
          wait: false,
        });
      const texts = Array.from({ length: 300 }, (_, i) => `packed ${i}`);
      // An identical text in the same turn joins the first one's item.
      const placements = await Promise.all([...texts, 'packed 7'].map(place));
      const queued = placements.map((p) => {
        if (p.kind !== 'queued') throw new Error('expected a queued placement');
        return p;
      });
      expect(new Set(queued.map((p) => p.queueJobId)).size).toBe(Math.ceil(300 / 128));
      expect(await stack.api.queue.getJobCounts('wait')).toEqual({ wait: 3 });
      expect(queued[300]).toMatchObject({
        queueJobId: queued[7]!.queueJobId,
        index: queued[7]!.index,
        joined: true,
      });
      const sealer = await stack.api.itemIds();
      const ids = queued.map((p) => sealer.seal(p, 'open'));
      await stack.startWorker(burstWorker);
      await settled(stack, ids);
      const job = await getJson(`${stack.url}/v1/jobs/${ids[200]}`);
      expect(job.body).toMatchObject({
        status: 'completed',
        result: { src_text: 'packed 200', tgt_text: '[ja] packed 200' },
      });
      expect(stack.emulator.stats().segments).toBe(300);
    } finally {
      redis.disconnect();
    }
  });

  it('never mixes targets in one provider request', async () => {
    const items = Array.from({ length: 90 }, (_, i) => ({
      text: `mixed ${i}`,
      target: ['ja', 'fr', 'de'][i % 3]!,
    }));
    const ids = await enqueue(stack, items);
    await stack.startWorker(burstWorker);
    await settled(stack, ids);
    const { log } = stack.emulator.stats();
    expect(log.map((e) => [e.target, e.segments]).sort()).toEqual([
      ['de', 30],
      ['fr', 30],
      ['ja', 30],
    ]);
    const jobs = await Promise.all(ids.map((id) => getJson(`${stack.url}/v1/jobs/${id}`)));
    jobs.forEach((job, i) =>
      expect(job.body.result.tgt_text).toBe(`[${items[i]!.target}] ${items[i]!.text}`),
    );
  });

  it('a provider error for one segment fails only that job', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => (i === 13 ? REJECT : `good ${i}`));
    const ids = await enqueue(
      stack,
      texts.map((text) => ({ text, target: 'ko' })),
    );
    await stack.startWorker(burstWorker);
    await settled(stack, ids);
    const jobs = await Promise.all(ids.map((id) => getJson(`${stack.url}/v1/jobs/${id}`)));
    jobs.forEach((job, i) => {
      if (i === 13) {
        expect(job.body.status).toBe('failed');
        expect(job.body.error).toEqual({
          code: 'unsupported_language',
          message: 'The provider does not support this language pair.',
        });
      } else {
        expect(job.body).toMatchObject({ status: 'completed', result: { tgt_text: `[ko] good ${i}` } });
      }
    });
    // Every good text was billed exactly once (plus one probe of the language pair).
    expect(stack.emulator.stats().segments).toBe(39 + 1);
  });

  it('PROVIDER_BATCHING=false sends one provider request per job', async () => {
    const n = 20;
    const ids = await enqueue(
      stack,
      Array.from({ length: n }, (_, i) => ({ text: `single ${i}`, target: 'ja' })),
    );
    await stack.startWorker({ ...burstWorker, PROVIDER_BATCHING: 'false' });
    await settled(stack, ids);
    const stats = stack.emulator.stats();
    expect(stats.requests).toBe(n);
    expect(stats.log.every((e) => e.segments === 1)).toBe(true);
  });

  it('a lone request is sent at once with the default window', async () => {
    await stack.startWorker();
    const started = Date.now();
    const res = await postJson(`${stack.url}/v1/translate`, { src_text: 'alone', tgt_lang: 'ja' });
    expect(res.status).toBe(200);
    expect(res.body.tgt_text).toBe('[ja] alone');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('the batcher on the real client', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({ port: 0 });
  });
  afterEach(() => {
    emulator.resetStats();
    emulator.setOptions({ latencyMs: 0 });
  });
  afterAll(() => emulator?.close());

  function batcher(env: Record<string, string> = {}) {
    const config = loadConfig(stackEnv(emulator, 'unused', env));
    return new ProviderBatcher(new GoogleTranslator(config), providerBatcherOptions(config));
  }

  it('packs calls of one turn into full requests, multi-segment calls included', async () => {
    const translator = batcher();
    const singles = Array.from({ length: 150 }, (_, i) =>
      translator.translate({ texts: [`s${i}`], target: 'ja', format: 'text' }),
    );
    const multi = translator.translate({
      texts: Array.from({ length: 100 }, (_, i) => `m${i}`),
      target: 'ja',
      format: 'text',
    });
    const [singleResults, multiResult] = await Promise.all([Promise.all(singles), multi]);
    expect(singleResults[149]).toEqual([{ text: '[ja] s149', detectedSource: 'en' }]);
    expect(multiResult.map((t) => t.text)).toEqual(Array.from({ length: 100 }, (_, i) => `[ja] m${i}`));
    const { log } = emulator.stats();
    expect(log.map((e) => e.segments)).toEqual([128, 122]);
  });

  it('keeps at most PROVIDER_CONCURRENCY requests open, and batches grow meanwhile', async () => {
    emulator.setOptions({ latencyMs: 150 });
    const translator = batcher({ PROVIDER_CONCURRENCY: '2', PROVIDER_BATCHING: 'false' });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        translator.translate({ texts: [`c${i}`], target: 'fr', format: 'text' }),
      ),
    );
    expect(emulator.stats().maxInFlight).toBe(2);
    expect(emulator.stats().requests).toBe(6);

    emulator.resetStats();
    const batching = batcher({ PROVIDER_CONCURRENCY: '1' });
    const first = batching.translate({ texts: ['first'], target: 'fr', format: 'text' });
    // Sent while the first request is open: these wait together for the one slot.
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 50 }, (_, i) =>
      batching.translate({ texts: [`later ${i}`], target: 'fr', format: 'text' }),
    );
    await Promise.all([first, ...rest]);
    expect(emulator.stats().log.map((e) => e.segments)).toEqual([1, 50]);
  });

  it('bisects a refused request so only the bad segment fails', async () => {
    const translator = batcher();
    const results = await Promise.allSettled(
      Array.from({ length: 128 }, (_, i) =>
        translator.translate({ texts: [i === 77 ? REJECT : `ok ${i}`], target: 'de', format: 'text' }),
      ),
    );
    results.forEach((r, i) => {
      if (i === 77) expect(r.status).toBe('rejected');
      else
        expect(r).toEqual({ status: 'fulfilled', value: [{ text: `[de] ok ${i}`, detectedSource: 'en' }] });
    });
    // One refused request per level of a 7-level bisection, far fewer than one per segment.
    expect(emulator.stats().rejectedRequests).toBeLessThanOrEqual(8);
    expect(emulator.stats().segments).toBe(127 + 1); // and one probe of the language pair
  });

  it('fails every caller at once when the language pair itself is refused', async () => {
    const translator = batcher();
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        translator.translate({ texts: [`t${i}`], target: 'xx', format: 'text' }),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    // The request, then the probe: no bisection.
    expect(emulator.stats().rejectedRequests).toBe(2);
  });

  it('splits only between callers: a multi-segment caller gets the error for its own texts', async () => {
    const translator = batcher();
    const chunk = translator.translate({ texts: ['c1', REJECT, 'c3'], target: 'it', format: 'text' });
    const single = translator.translate({ texts: ['single'], target: 'it', format: 'text' });
    const [chunkResult, singleResult] = await Promise.allSettled([chunk, single]);
    expect(chunkResult.status).toBe('rejected');
    expect(singleResult).toEqual({
      status: 'fulfilled',
      value: [{ text: '[it] single', detectedSource: 'en' }],
    });
    // Packed together (refused), probe, then one request per caller.
    expect(emulator.stats().log.map((e) => e.segments)).toEqual([4, 1, 3, 1]);
  });
});

describe('translation cache and in-flight deduplication', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('answers a repeated text from the cache: no job, no provider call', async () => {
    const body = { src_text: 'cache me', tgt_lang: 'ja', src_lang: 'en' };
    const first = await postJson(`${stack.url}/v1/translate`, body);
    expect(first.status).toBe(200);
    expect(first.body.cached).toBeUndefined();
    const jobsBefore = await stack.api.queue.getJobCounts();
    const second = await postJson(`${stack.url}/v1/translate`, body);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      job_id: null,
      cached: true,
      src_lang: 'en',
      src_text: 'cache me',
      tgt_lang: 'ja',
      tgt_text: '[ja] cache me',
    });
    expect(await stack.api.queue.getJobCounts()).toEqual(jobsBefore);
    expect(stack.emulator.seenCount('cache me')).toBe(1);
    // Another target, format or source is another translation.
    const other = await postJson(`${stack.url}/v1/translate`, { ...body, tgt_lang: 'fr' });
    expect(other.body.cached).toBeUndefined();
    const detected = await postJson(`${stack.url}/v1/translate`, { src_text: 'cache me', tgt_lang: 'ja' });
    expect(detected.body.cached).toBeUndefined();
    expect(detected.body.detected_src_lang).toBe('en');
    const again = await postJson(`${stack.url}/v1/translate`, { src_text: 'cache me', tgt_lang: 'ja' });
    expect(again.body).toMatchObject({ cached: true, detected_src_lang: 'en', src_lang: 'auto' });
  });

  it('translates again when a cached entry is unreadable, beside new texts of the same pack', async () => {
    const shape = { target: 'de', source: 'en', format: 'text' as const };
    const key = (text: string) =>
      `${stack.config.QUEUE_PREFIX}:cache:${translationHash(jobCacheParts(providerId(stack.config), shape, text))}`;
    const redis = createRedis(REDIS_URL, 'blocking');
    try {
      await redis.set(key('garbled entry'), '{not json');
      const answers = await Promise.all(
        ['fresh one', 'garbled entry', 'fresh two'].map((text) =>
          postJson(`${stack.url}/v1/translate`, { src_text: text, tgt_lang: 'de', src_lang: 'en' }),
        ),
      );
      expect(answers.map((a) => a.body.tgt_text)).toEqual([
        '[de] fresh one',
        '[de] garbled entry',
        '[de] fresh two',
      ]);
      for (const a of answers) {
        expect(a.body.cached).toBeUndefined();
        const job = await getJson(`${stack.url}/v1/jobs/${a.body.job_id}`);
        expect(job.body.result.tgt_text).toBe(a.body.tgt_text);
      }
      // The unreadable entry was replaced by the new translation.
      expect(JSON.parse((await redis.get(key('garbled entry')))!)).toMatchObject({
        text: '[de] garbled entry',
      });
    } finally {
      redis.disconnect();
    }
  });

  it('does not cache failures', async () => {
    stack.emulator.setOptions({ failNext: { count: 10, kind: '500' } });
    const body = { src_text: 'fails first', tgt_lang: 'ja', src_lang: 'en' };
    const failed = await postJson(`${stack.url}/v1/translate`, body);
    expect(failed.status).toBe(502);
    stack.emulator.setOptions({ failNext: { count: 0 } });
    const ok = await postJson(`${stack.url}/v1/translate`, body);
    expect(ok.status).toBe(200);
    expect(ok.body.cached).toBeUndefined();
  });

  it('a text whose job failed for good is translated again by the next identical request', async () => {
    // A permanent refusal fails the job at once (no retries): its in-flight mark must end with it,
    // or the next identical request would join the failed job and get its old error.
    stack.emulator.setOptions({ failNext: { count: 1, kind: '403-daily' } });
    const body = { src_text: 'refused once', tgt_lang: 'ja', src_lang: 'en' };
    const failed = await postJson(`${stack.url}/v1/translate`, body);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const again = await postJson(`${stack.url}/v1/translate`, body);
    expect(again.status).toBe(200);
    expect(again.body.tgt_text).toBe('[ja] refused once');
    expect(again.body.job_id).not.toBe(failed.body.job_id);
    expect(stack.emulator.seenCount('refused once')).toBe(2);
  });

  it('identical requests in flight share one job and one provider segment', async () => {
    stack.emulator.setOptions({ latencyMs: 1000 });
    try {
      const body = { src_text: 'thundering herd', tgt_lang: 'ko', src_lang: 'en' };
      const answers = await Promise.all(
        Array.from({ length: 25 }, () => postJson(`${stack.url}/v1/translate`, body)),
      );
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body.tgt_text).toBe('[ko] thundering herd');
      }
      // One item of one job, but every request its own id (a joiner never learns the original's).
      expect(new Set(answers.map((a) => a.body.job_id)).size).toBe(25);
      const items = await Promise.all(answers.map((a) => itemOf(stack, a.body.job_id)));
      expect(new Set(items.map((i) => `${i.queueJobId}.${i.index}`)).size).toBe(1);
      expect(stack.emulator.seenCount('thundering herd')).toBe(1);
      for (const a of answers) {
        const job = await getJson(`${stack.url}/v1/jobs/${a.body.job_id}`);
        expect(job.body).toMatchObject({ status: 'completed', result: { tgt_text: '[ko] thundering herd' } });
      }
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });
});

describe('CACHE_TTL_S=0', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CACHE_TTL_S: '0' } });
  });
  afterAll(() => stack?.close());

  it('turns the cache off: every request is a job and reaches the provider', async () => {
    const body = { src_text: 'no cache', tgt_lang: 'ja', src_lang: 'en' };
    const first = await postJson(`${stack.url}/v1/translate`, body);
    const second = await postJson(`${stack.url}/v1/translate`, body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.cached).toBeUndefined();
    expect(second.body.job_id).not.toBe(first.body.job_id);
    expect(stack.emulator.seenCount('no cache')).toBe(2);
    const redis = createRedis(REDIS_URL, 'blocking');
    try {
      expect(await redis.keys(`${stack.config.QUEUE_PREFIX}:cache:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
