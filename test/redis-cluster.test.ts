/** The whole stack (API, worker, batch worker) on a real 3-node Redis Cluster. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { eventually, getJson, postJson, startStack, type Stack } from './helpers/stack.js';
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.js';

describe('Redis Cluster', () => {
  let cluster: RedisCluster;
  let stack: Stack;
  const prefix = `{test-${randomUUID().slice(0, 8)}}`;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    stack = await startStack({ env: { REDIS_URL: cluster.url, QUEUE_PREFIX: prefix, JOB_ATTEMPTS: '2' } });
  });
  afterAll(async () => {
    await stack?.close();
    await cluster?.stop();
  });

  it('refuses a prefix without a hash tag on a cluster', () => {
    expect(() => loadConfig({ REDIS_URL: cluster.url, QUEUE_PREFIX: 'translate' })).toThrow(
      /QUEUE_PREFIX: must contain a hash tag/,
    );
    expect(loadConfig({ REDIS_URL: cluster.url }).QUEUE_PREFIX).toBe('{translate}');
  });

  it('translates, answers 202 and reads jobs back, with every key in one slot', async () => {
    const ok = await postJson(`${stack.url}/v1/translate`, { src_text: '안녕하세요', tgt_lang: 'en' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tgt_text: 'Hello', detected_src_lang: 'ko' });
    expect((await getJson(`${stack.url}/v1/jobs/${ok.body.job_id}`)).body).toMatchObject({
      status: 'completed',
    });

    stack.emulator.setOptions({ failNext: { count: 1, kind: '503' } });
    const retried = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'retry',
      tgt_lang: 'de',
      src_lang: 'en',
    });
    expect(retried.status).toBe(200);
    expect((await getJson(`${stack.url}/v1/jobs/${retried.body.job_id}`)).body.attempts).toBe(2);

    const later = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'later', tgt_lang: 'fr' },
      { Prefer: 'respond-async' },
    );
    expect(later.status).toBe(202);
    await eventually(
      async () => (await getJson(`${stack.url}/v1/jobs/${later.body.job_id}`)).body.status === 'completed',
    );

    // All keys of the service sit on the one node that owns the prefix's slot.
    const perNode = await Promise.all(cluster.ports.map((p) => cluster.node(p).keys('*')));
    const holding = perNode.filter((keys) => keys.length > 0);
    expect(holding).toHaveLength(1);
    for (const key of holding[0]!) expect(key.startsWith(`${prefix}:`)).toBe(true);
    expect(holding[0]!.length).toBeGreaterThan(5);
  });

  it('runs a batch (multi-key store updates, chunk jobs) on the cluster', async () => {
    const batch = await postJson(
      `${stack.url}/v1/batches`,
      { src_texts: ['one', 'two', 'three'], tgt_langs: ['de', 'ja'] },
      { Prefer: 'wait=10' },
    );
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ status: 'completed', total: 6, completed: 6 });
    expect(batch.body.items.map((i: { tgt_text: string }) => i.tgt_text)).toEqual([
      '[de] one',
      '[ja] one',
      '[de] two',
      '[ja] two',
      '[de] three',
      '[ja] three',
    ]);
  });

  it('serves metrics sampled from the cluster', async () => {
    const text = await (await fetch(`${stack.url}/metrics`)).text();
    expect(text).toMatch(/translation_queue_jobs\{queue="translate",state="completed"\} \d+/);
    expect((await getJson(`${stack.url}/readyz`)).status).toBe(200);
  });
});
