/**
 * Bounds on waiting clients and the batch backlog, through the real stack: MAX_BATCH_BACKLOG,
 * MAX_OPEN_WAITS for batch waits, one results page in a batch wait's 200, and the event stream
 * bounds per key and per process. Each answer is also checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { openWaits } from '../api/metrics.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import { responseChecker } from './helpers/openapi-responses.js';
import {
  REDIS_URL,
  eventually,
  getJson,
  postJson,
  startStack,
  type HttpResult,
  type Stack,
} from './helpers/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ASYNC = { Prefer: 'respond-async' };

async function documented(stack: Stack, method: string, path: string, res: HttpResult): Promise<void> {
  const checker = responseChecker((await getJson(`${stack.url}/openapi.json`)).body);
  expect(checker.check(method, path, res.status, res.body, res.headers.get('content-type'))).toEqual([]);
}

describe('batch backlog (MAX_BATCH_BACKLOG)', () => {
  let stack: Stack;
  let redis: Redis;
  let chunks: Queue;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { MAX_BATCH_BACKLOG: '1' } });
    redis = createRedis(REDIS_URL, 'blocking');
    chunks = new Queue(QUEUE_NAMES.translateBatch, { connection: redis, prefix: stack.config.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await chunks?.close();
    redis?.disconnect();
    await stack?.close();
  });

  it('429 overloaded with Retry-After for new batches while more chunk jobs wait; sync work goes on', async () => {
    const batch = { src_texts: ['backlog'], tgt_langs: ['ja', 'ko'] };
    // The first request samples the depths (nothing waits yet): accepted, two chunk jobs.
    expect((await postJson(`${stack.url}/v1/batches`, batch)).status).toBe(202);
    // Past the sample's age, the next request takes a new sample (answered from the old one).
    await sleep(400);
    expect(
      (await postJson(`${stack.url}/v1/translate`, { src_text: 'sync', tgt_lang: 'ja' }, ASYNC)).status,
    ).toBe(202);
    await sleep(100);
    const refused = await postJson(`${stack.url}/v1/batches`, batch);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toEqual({
      error: {
        code: 'overloaded',
        message: 'The service is overloaded; retry later.',
        details: [{ message: '2 batch chunks are waiting (limit 1).' }],
      },
    });
    await documented(stack, 'post', '/v1/batches', refused);
    expect(await chunks.getWaitingCount()).toBe(2);
    // MAX_BATCH_BACKLOG bounds batches only.
    expect(
      (await postJson(`${stack.url}/v1/translate`, { src_text: 'sync 2', tgt_lang: 'ja' }, ASYNC)).status,
    ).toBe(202);
  });
});

describe('batch waits count toward MAX_OPEN_WAITS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { MAX_OPEN_WAITS: '1' } });
  });
  afterAll(() => stack?.close());

  const openWaitCount = async () => (await openWaits.get()).values[0]?.value ?? 0;

  it('a held batch wait fills the bound: sync and batch waits past it get 202 at once', async () => {
    const held = postJson(
      `${stack.url}/v1/batches`,
      { items: [{ src_text: 'held batch', tgt_lang: 'ja', ref: 'h' }] },
      { Prefer: 'wait=10' },
    );
    await eventually(async () => (await openWaitCount()) === 1);

    let started = Date.now();
    const sync = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'not held', tgt_lang: 'ja' },
      { Prefer: 'wait=10' },
    );
    expect(sync.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(1000);

    started = Date.now();
    const batch = await postJson(
      `${stack.url}/v1/batches`,
      { items: [{ src_text: 'not held either', tgt_lang: 'ja' }] },
      { Prefer: 'wait=10' },
    );
    expect(batch.status).toBe(202);
    expect(batch.headers.get('preference-applied')).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(batch.body).toEqual({
      batch_id: batch.body.batch_id,
      status: 'running',
      total: 1,
      links: {
        self: `/v1/batches/${batch.body.batch_id}`,
        results: `/v1/batches/${batch.body.batch_id}/results`,
        events: `/v1/batches/${batch.body.batch_id}/events`,
      },
    });

    await stack.startWorker();
    const done = await held;
    expect(done.status).toBe(200);
    expect(done.headers.get('preference-applied')).toBe('wait=10');
    expect(done.body).toMatchObject({
      status: 'completed',
      total: 1,
      completed: 1,
      items: [{ index: 0, ref: 'h', status: 'completed', tgt_text: '[ja] held batch' }],
      next_offset: null,
    });
    await eventually(async () => (await openWaitCount()) === 0);
  });
});

describe('a batch wait answers one results page', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WORKER_CONCURRENCY: '16' } });
  });
  afterAll(() => stack?.close());

  it('holds at most 5,000 items and next_offset, like GET /results', async () => {
    const texts = Array.from({ length: 5001 }, (_, i) => `page text ${i}`);
    const res = await postJson(
      `${stack.url}/v1/batches`,
      { src_texts: texts, tgt_langs: ['ja'] },
      { Prefer: 'wait=60' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', total: 5001, completed: 5001, next_offset: 5000 });
    expect(res.body.items).toHaveLength(5000);
    expect(res.body.items[4999]).toMatchObject({ index: 4999, tgt_text: '[ja] page text 4999' });
    await documented(stack, 'post', '/v1/batches', res);
    const rest = await getJson(`${stack.url}/v1/batches/${res.body.batch_id}/results?offset=5000`);
    expect(rest.body).toEqual({
      items: [
        {
          index: 5000,
          src_text: 'page text 5000',
          tgt_lang: 'ja',
          status: 'completed',
          tgt_text: '[ja] page text 5000',
          detected_src_lang: 'en',
        },
      ],
      next_offset: null,
    });
  });
});

describe('event streams (MAX_EVENT_STREAMS_PER_KEY, MAX_EVENT_STREAMS)', () => {
  const KEYS = ['bounds-key-aaaaaaaaaaaa', 'bounds-key-bbbbbbbbbbbb', 'bounds-key-cccccccccccc'] as const;
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  let stack: Stack;
  const open: AbortController[] = [];
  beforeAll(async () => {
    stack = await startStack({
      workers: 0,
      env: { API_KEYS: KEYS.join(','), MAX_EVENT_STREAMS_PER_KEY: '1', MAX_EVENT_STREAMS: '2' },
    });
  });
  afterAll(async () => {
    for (const stream of open) stream.abort();
    await stack?.close();
  });

  /** Opens a stream and keeps it open; answers its status (and its JSON body when refused). */
  async function openStream(key: string, id: string): Promise<{ res: HttpResult; abort: AbortController }> {
    const abort = new AbortController();
    open.push(abort);
    const res = await fetch(`${stack.url}/v1/batches/${id}/events`, {
      headers: auth(key),
      signal: abort.signal,
    });
    const body = res.headers.get('content-type')?.startsWith('application/json')
      ? await res.json()
      : undefined;
    return { res: { status: res.status, body, headers: res.headers }, abort };
  }

  async function batchOf(key: string): Promise<string> {
    const res = await postJson(
      `${stack.url}/v1/batches`,
      { items: [{ src_text: key, tgt_lang: 'ja' }] },
      auth(key),
    );
    expect(res.status).toBe(202);
    return res.body.batch_id;
  }

  it('429 rate_limited past the key bound, 429 overloaded past the process bound; a closed stream frees its slot', async () => {
    const [a, b, c] = KEYS;
    const batchA = await batchOf(a);
    const first = await openStream(a, batchA);
    expect(first.res.status).toBe(200);

    const second = await openStream(a, batchA);
    expect(second.res.status).toBe(429);
    expect(second.res.headers.get('retry-after')).toBe('5');
    expect(second.res.body).toEqual({
      error: {
        code: 'rate_limited',
        message: 'Too many event streams open for this client; close one or retry later.',
        details: [{ message: '1 event streams of this client are open (limit 1).' }],
      },
    });
    await documented(stack, 'get', '/v1/batches/{id}/events', second.res);

    expect((await openStream(b, await batchOf(b))).res.status).toBe(200);
    const batchC = await batchOf(c);
    const third = await openStream(c, batchC);
    expect(third.res.status).toBe(429);
    expect(third.res.headers.get('retry-after')).toBe('5');
    expect(third.res.body).toEqual({
      error: {
        code: 'overloaded',
        message: 'The service is overloaded; retry later.',
        details: [{ message: '2 event streams are open (limit 2).' }],
      },
    });
    await documented(stack, 'get', '/v1/batches/{id}/events', third.res);

    first.abort.abort();
    await eventually(async () => {
      const retry = await openStream(c, batchC);
      return retry.res.status === 200;
    });
  });
});
