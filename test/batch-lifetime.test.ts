/**
 * A running batch's keys outlive RESULT_TTL_S however long it waits and runs; its TTL starts when
 * it ends (completed or cancelled). Real stack, RESULT_TTL_S of one second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis } from '../shared/redis.js';
import { RedisKeys } from '../shared/redis/keys.js';
import { REDIS_URL, eventually, getJson, postJson, startStack, type Stack } from './helpers/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batch lifetime (RESULT_TTL_S=1)', () => {
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { RESULT_TTL_S: '1', BATCH_WORKER_CONCURRENCY: '1' } });
    redis = createRedis(REDIS_URL, 'blocking');
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  const metaTtlMs = (id: string) => redis.pttl(new RedisKeys(stack.config.QUEUE_PREFIX).batch(id).meta);

  it('keeps a batch that waits and runs longer than its TTL until it ends, then starts the TTL', async () => {
    // Three target languages: three chunks, run one at a time, each longer than the TTL.
    const submitted = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['long wait'],
      tgt_langs: ['ja', 'ko', 'fr'],
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.batch_id as string;
    // The backlog outlasts the TTL before the first chunk starts.
    await sleep(1500);
    expect(await metaTtlMs(id)).toBe(-1);
    stack.emulator.setOptions({ latencyMs: 1200 });
    await stack.startWorker();
    const statuses: number[] = [];
    const done = await eventually(
      async () => {
        const res = await getJson(`${stack.url}/v1/batches/${id}`);
        statuses.push(res.status);
        return res.status !== 200 || res.body.status !== 'running' ? res : undefined;
      },
      15_000,
      100,
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(done.body).toMatchObject({ status: 'completed', total: 3, completed: 3, failed: 0 });
    const results = await getJson(`${stack.url}/v1/batches/${id}/results`);
    expect(results.body.items.map((i: { tgt_text: string }) => i.tgt_text)).toEqual([
      '[ja] long wait',
      '[ko] long wait',
      '[fr] long wait',
    ]);
    const ttl = await metaTtlMs(id);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await eventually(async () => (await getJson(`${stack.url}/v1/batches/${id}`)).status === 404, 4000, 100);
    stack.emulator.setOptions({ latencyMs: 0 });
  });

  it('starts the TTL of a batch finished by a cancel', async () => {
    await Promise.all(stack.workers.map((w) => w.close()));
    stack.workers.length = 0;
    const submitted = await postJson(`${stack.url}/v1/batches`, {
      items: [{ src_text: 'never run', tgt_lang: 'ja' }],
    });
    const id = submitted.body.batch_id as string;
    await sleep(1200);
    expect(await metaTtlMs(id)).toBe(-1);
    const cancelled = await fetch(`${stack.url}/v1/batches/${id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    const ttl = await metaTtlMs(id);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await eventually(async () => (await getJson(`${stack.url}/v1/batches/${id}`)).status === 404, 4000, 100);
  });

  it('a batch finished before its submit returned keeps the TTL its last chunk set', async () => {
    await stack.startWorker();
    const res = await postJson(
      `${stack.url}/v1/batches`,
      { items: [{ src_text: 'quick', tgt_lang: 'ja' }] },
      { Prefer: 'wait=5' },
    );
    expect(res.status).toBe(200);
    const ttl = await metaTtlMs(res.body.batch_id);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
  });
});
