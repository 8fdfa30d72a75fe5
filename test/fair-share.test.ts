/**
 * Fair share between keys' batches (issue 12, item 6). The fair-share queue's Lua steps against a
 * real Redis (turns by weight, a newcomer first, what a job took is kept for its next run), then
 * the real stack with two keys of weights 1 and 3 on one batch worker slot: a small batch of one
 * key finishes long before the other key's backlog, and the weights show in the turns.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { BatchStore } from '../shared/batch-store.js';
import { FairChunkQueue } from '../shared/fair-chunk-queue.js';
import { BATCH_CHUNK_JOB_NAME, batchChunkEntry, type BatchChunk } from '../shared/jobs/batch-chunk-job.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { settleAbandonedChunk } from '../worker/processors/batch-chunk-processor.js';
import { createRedis } from '../shared/redis.js';
import { RedisKeys } from '../shared/redis/keys.js';
import {
  REDIS_URL,
  cleanPrefix,
  eventually,
  getJson,
  postJson,
  startStack,
  testPrefix,
  type Stack,
} from './helpers/stack.js';

const chunkOf = (batch: string, chunk: number): BatchChunk => ({
  batch_id: batch,
  chunk,
  target: 'fr',
  format: 'text',
  texts: [`${batch} text ${chunk}`],
  indexes: [[chunk]],
});
const entries = (batch: string, count: number) =>
  Array.from({ length: count }, (_, i) => batchChunkEntry(chunkOf(batch, i)));

describe('fair-share queue (Lua, real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let queue: FairChunkQueue;
  let job = 0;
  beforeAll(() => {
    redis = createRedis(REDIS_URL, 'blocking');
  });
  afterAll(() => redis?.disconnect());

  const fresh = async () => {
    if (prefix) await cleanPrefix(prefix);
    prefix = testPrefix();
    queue = new FairChunkQueue(redis, prefix);
  };
  /** Takes `count` chunks as `count` jobs would: which batch each came from. */
  const takeBatches = async (count: number) => {
    const taken: string[] = [];
    for (let i = 0; i < count; i++) {
      const jobId = String(++job);
      const chunk = await queue.take(jobId);
      if (chunk === undefined || chunk === 'malformed') break;
      taken.push(chunk.batch_id);
      await queue.release(jobId);
    }
    return taken;
  };

  afterAll(() => cleanPrefix(prefix));

  it('serves backlogged tenants in proportion to their weights', async () => {
    await fresh();
    await queue.enqueue('A', 'a', 1, entries('A', 20));
    await queue.enqueue('B', 'b', 3, entries('B', 20));
    const first = await takeBatches(16);
    expect(first.filter((b) => b === 'B')).toHaveLength(12);
    // Each tenant's chunks keep their order.
    const rest = await takeBatches(100);
    expect(rest).toHaveLength(24);
  });

  it('a newcomer does not wait behind a backlog: its first chunk is next', async () => {
    await fresh();
    await queue.enqueue('A', 'a', 1, entries('A', 50));
    expect(await takeBatches(10)).toEqual(Array(10).fill('A'));
    await queue.enqueue('B', 'b', 1, entries('B', 2));
    // Equal weights: the newcomer and the backlog alternate from now on.
    expect(await takeBatches(4)).toEqual(['B', 'A', 'B', 'A']);
  });

  it('keeps each tenant FIFO across its batches', async () => {
    await fresh();
    await queue.enqueue('A1', 'a', 1, entries('A1', 2));
    await queue.enqueue('A2', 'a', 1, entries('A2', 2));
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const chunk = await queue.take(`order-${i}`);
      if (chunk && chunk !== 'malformed') order.push(`${chunk.batch_id}.${chunk.chunk}`);
    }
    expect(order).toEqual(['A1.0', 'A1.1', 'A2.0', 'A2.1']);
  });

  it('a job run again gets the chunk it took; `next` moves it on; nothing pending: it holds none', async () => {
    await fresh();
    await queue.enqueue('A', 'a', 1, entries('A', 2));
    const first = await queue.take('job-1');
    expect(first).toEqual(chunkOf('A', 0));
    expect(await queue.take('job-1')).toEqual(first);
    expect(await queue.held('job-1')).toEqual(first);
    expect(await queue.take('job-1', true)).toEqual(chunkOf('A', 1));
    expect(await queue.take('job-2')).toBeUndefined();
    expect(await queue.take('job-1', true)).toBeUndefined();
    expect(await queue.held('job-1')).toBeUndefined();
  });

  it('withdraws chunks whose jobs were never queued; a malformed chunk reads as such', async () => {
    await fresh();
    const gone = entries('gone', 3);
    await queue.enqueue('gone', 'a', 1, gone);
    await queue.withdraw('gone', gone);
    expect(await queue.take('job-w')).toBeUndefined();
    const keys = new RedisKeys(prefix).fairShare();
    await redis.zadd(keys.pending, 0, '{"batch_id":');
    expect(await queue.take('job-m')).toBe('malformed');
  });

  it('a job that failed for good settles the chunk it held as failed, and holds it no more', async () => {
    await fresh();
    const store = new BatchStore(redis, prefix, 60);
    const id = randomUUID();
    await store.create(id, [{ s: 'one', t: 'fr' }], 1, { owner: 'a' });
    await queue.enqueue(id, 'a', 1, [batchChunkEntry({ ...chunkOf(id, 0), indexes: [[0]] })]);
    expect(await queue.take('doomed')).toMatchObject({ batch_id: id });
    const finals: string[] = [];
    await settleAbandonedChunk(
      { store, chunks: queue, onFinal: async (s) => void finals.push(s.status) },
      { id: 'doomed', data: {} },
    );
    expect(finals).toEqual(['completed_with_errors']);
    expect(await store.state(id)).toMatchObject({ completed: 0, failed: 1 });
    expect(await queue.held('doomed')).toBeUndefined();
  });

  it('virtual time starts again at 0 once nothing is pending', async () => {
    await fresh();
    const keys = new RedisKeys(prefix).fairShare();
    await queue.enqueue('A', 'a', 1, entries('A', 3));
    await takeBatches(3);
    expect(Number(await redis.hget(keys.clock, 'v'))).toBeGreaterThan(0);
    await queue.enqueue('B', 'b', 2, entries('B', 1));
    expect(await redis.zrange(keys.pending, 0, -1, 'WITHSCORES')).toEqual([
      batchChunkEntry(chunkOf('B', 0)),
      '0',
    ]);
    expect(await redis.hgetall(keys.clock)).toEqual({ 't:b': '360360' });
  });
});

const KEY_A = 'fair-share-key-a-0123456789';
const KEY_B = 'fair-share-key-b-0123456789';
const digest = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
const A = { authorization: `Bearer ${KEY_A}` };
const B = { authorization: `Bearer ${KEY_B}` };
/** Items per chunk: 128 short texts fill one provider request. */
const CHUNK = 128;

describe('two keys share the batch worker by weight (real stack)', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fair-share-'));
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        keys: [
          { name: 'big', secret: digest(KEY_A), weight: 1 },
          { name: 'small', secret: digest(KEY_B), weight: 3 },
        ],
      }),
    );
    // One chunk at a time, each one provider latency long: turns are easy to read.
    stack = await startStack({
      env: { API_KEYS_FILE: file, BATCH_WORKER_CONCURRENCY: '1' },
      emulator: { latencyMs: 60 },
    });
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const submit = async (headers: Record<string, string>, tag: string, items: number) => {
    const res = await postJson(
      `${stack.url}/v1/batches`,
      {
        src_texts: Array.from({ length: items }, (_, i) => `${tag} ${i}`),
        tgt_langs: ['de'],
        src_lang: 'en',
      },
      headers,
    );
    expect(res.status).toBe(202);
    return res.body.batch_id as string;
  };
  /** Chunks queued by an API that died before adding their jobs, its mark past its deadline. */
  const queuedWithoutJobs = async (redis: Redis, batch: string, count: number) => {
    const queue = new FairChunkQueue(redis, stack.config.QUEUE_PREFIX);
    await queue.enqueue(batch, 'big', 1, entries(batch, count));
    await queue.queued(batch, count);
  };
  const state = async (id: string, headers: Record<string, string>) =>
    (await getJson(`${stack.url}/v1/batches/${id}`, headers)).body;

  it("one key's small batch finishes long before the other key's backlog", async () => {
    const tag = randomUUID().slice(0, 8);
    const big = await submit(A, `backlog ${tag}`, 12 * CHUNK);
    await eventually(async () => (await state(big, A)).completed > 0);
    const small = await submit(B, `small ${tag}`, 100);
    const smallDone = await eventually(async () => {
      const s = await state(small, B);
      return s.status !== 'running' ? s : undefined;
    });
    const bigThen = await state(big, A);
    expect(smallDone).toMatchObject({ status: 'completed', total: 100, completed: 100, failed: 0 });
    // Without fair share the small batch would wait for all 12 of the backlog's chunks.
    expect(bigThen.status).toBe('running');
    expect(bigThen.completed).toBeLessThanOrEqual(6 * CHUNK);
    const bigDone = await eventually(async () => {
      const s = await state(big, A);
      return s.status !== 'running' ? s : undefined;
    }, 20_000);
    expect(bigDone).toMatchObject({ status: 'completed', completed: 12 * CHUNK, failed: 0 });
    const results = await getJson(`${stack.url}/v1/batches/${small}/results?limit=2`, B);
    expect(results.body.items.map((i: { tgt_text: string }) => i.tgt_text)).toEqual([
      `[de] small ${tag} 0`,
      `[de] small ${tag} 1`,
    ]);
  });

  it('while both wait, the key of weight 3 gets three turns for each one of weight 1', async () => {
    const tag = randomUUID().slice(0, 8);
    const heavy = await submit(A, `w1 ${tag}`, 8 * CHUNK);
    const light = await submit(B, `w3 ${tag}`, 8 * CHUNK);
    const lightDone = await eventually(async () => {
      const s = await state(light, B);
      return s.status !== 'running' ? s : undefined;
    });
    const heavyThen = await state(heavy, A);
    expect(lightDone).toMatchObject({ status: 'completed', completed: 8 * CHUNK });
    // Eight turns of weight 3 come with about three of weight 1, give or take the chunk in flight
    // when each was read (FIFO would have run all eight first, equal weights about eight).
    expect(heavyThen.completed).toBeGreaterThanOrEqual(2 * CHUNK);
    expect(heavyThen.completed).toBeLessThanOrEqual(5 * CHUNK);
    await eventually(async () => (await state(heavy, A)).status === 'completed');
  });

  it('chunks left behind by a batch whose jobs never got queued cost no job', async () => {
    // As if an API died between queueing the chunks and their jobs: chunks of a removed batch.
    const redis = createRedis(REDIS_URL, 'blocking');
    try {
      await queuedWithoutJobs(redis, randomUUID(), 5);
    } finally {
      redis.disconnect();
    }
    const tag = randomUUID().slice(0, 8);
    const id = await submit(A, `after stale ${tag}`, 2 * CHUNK);
    const done = await eventually(async () => {
      const s = await state(id, A);
      return s.status !== 'running' ? s : undefined;
    });
    expect(done).toMatchObject({ status: 'completed', completed: 2 * CHUNK });
    const keys = new RedisKeys(stack.config.QUEUE_PREFIX).fairShare();
    const check = createRedis(REDIS_URL, 'blocking');
    try {
      expect(await check.zcard(keys.pending)).toBe(0);
      expect(await check.hlen(keys.taken)).toBe(0);
    } finally {
      check.disconnect();
    }
  });

  it('chunks of a running batch whose jobs never got queued are run, and no other batch loses its turn', async () => {
    // As if an API died between queueing a live batch's chunks and their jobs: its three chunks
    // come first and other jobs run them; jobs are added for the chunks left without one.
    const redis = createRedis(REDIS_URL, 'blocking');
    const orphan = randomUUID();
    try {
      const items = [0, 1, 2].map((i) => ({ s: `${orphan} text ${i}`, t: 'fr' }));
      await new BatchStore(redis, stack.config.QUEUE_PREFIX, 60).create(orphan, items, 3, { owner: 'big' });
      await queuedWithoutJobs(redis, orphan, 3);
    } finally {
      redis.disconnect();
    }
    const tag = randomUUID().slice(0, 8);
    const id = await submit(A, `after orphan ${tag}`, 2 * CHUNK);
    for (const [batch, total] of [
      [id, 2 * CHUNK],
      [orphan, 3],
    ] as const) {
      const done = await eventually(async () => {
        const s = await state(batch, A);
        return s.status !== 'running' ? s : undefined;
      });
      expect(done).toMatchObject({ status: 'completed', completed: total, failed: 0 });
    }
  });

  it('a chunk job queued by an earlier release, carrying its chunk, still runs it', async () => {
    const redis = createRedis(REDIS_URL, 'blocking');
    const queue = new Queue(QUEUE_NAMES.translateBatch, {
      connection: redis,
      prefix: stack.config.QUEUE_PREFIX,
    });
    try {
      const id = randomUUID();
      await new BatchStore(redis, stack.config.QUEUE_PREFIX, 60).create(id, [{ s: 'legacy', t: 'de' }], 1, {
        owner: 'big',
      });
      const chunk: BatchChunk = {
        batch_id: id,
        chunk: 0,
        target: 'de',
        format: 'text',
        texts: ['legacy'],
        indexes: [[0]],
      };
      await queue.add(BATCH_CHUNK_JOB_NAME, chunk);
      const done = await eventually(async () => {
        const s = await state(id, A);
        return s.status !== 'running' ? s : undefined;
      });
      expect(done).toMatchObject({ status: 'completed', total: 1, completed: 1 });
      const results = await getJson(`${stack.url}/v1/batches/${id}/results`, A);
      expect(results.body.items[0]).toMatchObject({ status: 'completed', tgt_text: '[de] legacy' });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
