/**
 * Redis goes away and comes back (a test-owned redis-server with its append-only file): requests
 * fail fast meanwhile, and API and worker processes reconnect by themselves; every job accepted
 * before the outage completes. Also: a Redis that wants a password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/create-api.js';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.js';
import { killAll, startApiProcess, startWorkerProcess, type ServiceProcess } from './helpers/processes.js';
import { eventually, getJson, postJson, stackEnv, startStack, testPrefix } from './helpers/stack.js';

function translate(url: string, text: string, headers: Record<string, string> = {}) {
  return postJson(`${url}/v1/translate`, { src_text: text, tgt_lang: 'en', src_lang: 'fr' }, headers);
}

describe('Redis restart', () => {
  let redis: RedisServer;
  let emulator: Emulator;
  let api: ServiceProcess & { url: string };
  beforeAll(async () => {
    [redis, emulator] = await Promise.all([startRedisServer(), createEmulator({ port: 0 })]);
    const env = stackEnv(emulator, testPrefix(), {
      REDIS_URL: redis.url,
      LOCK_DURATION_MS: '2000',
      STALLED_INTERVAL_MS: '1000',
    });
    [api] = await Promise.all([startApiProcess(env), startWorkerProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    await killAll();
    await emulator?.close();
    await redis?.destroy();
  });

  it('fails fast while Redis is down, then API and worker reconnect and finish every accepted job', async () => {
    emulator.setOptions({ latencyMs: 800 });
    const accepted = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => translate(api.url, `before outage ${i}`, { Prefer: 'respond-async' })),
    );
    for (const r of accepted) expect(r.status).toBe(202);
    const waiters = [1, 2].map((i) =>
      translate(api.url, `waiting through outage ${i}`, { Prefer: 'wait=20' }),
    );
    await eventually(async () => emulator.stats().inFlight > 0);

    await redis.stop();
    const started = Date.now();
    const refused = await translate(api.url, 'during outage');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await getJson(`${api.url}/readyz`)).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000);

    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    emulator.setOptions({ latencyMs: 0 });
    await eventually(async () => (await getJson(`${api.url}/readyz`)).status === 200, 15_000, 100);

    // Clients that were waiting get their translation, or a 202 with a job that then completes.
    const waited = await Promise.all(waiters);
    const ids = accepted.map((r) => r.body.job_id as string);
    for (const w of waited) {
      expect([200, 202]).toContain(w.status);
      ids.push(w.body.job_id);
    }
    for (const id of ids) {
      const job = await eventually(async () => {
        const res = await getJson(`${api.url}/v1/jobs/${id}`);
        return res.body.status === 'completed' ? res.body : undefined;
      }, 15_000);
      expect(job.result.tgt_text).toMatch(/^\[en\] (before|waiting through) outage/);
    }
    // And new work flows again.
    expect(await translate(api.url, 'after outage')).toMatchObject({
      status: 200,
      body: { tgt_text: '[en] after outage' },
    });
  }, 60_000);
});

describe('Redis over TLS', () => {
  it('API and worker processes work with rediss://:password@host (CA from NODE_EXTRA_CA_CERTS)', async () => {
    const [redis, emulator] = await Promise.all([
      startRedisServer({ password: 'tls-secret', tls: true }),
      createEmulator({ port: 0 }),
    ]);
    try {
      expect(redis.url.startsWith('rediss://')).toBe(true);
      const env = stackEnv(emulator, testPrefix(), {
        REDIS_URL: redis.url,
        NODE_EXTRA_CA_CERTS: redis.caFile!,
      });
      const [api] = await Promise.all([startApiProcess(env), startWorkerProcess(env)]);
      expect(await translate(api.url, 'over tls')).toMatchObject({
        status: 200,
        body: { tgt_text: '[en] over tls' },
      });
    } finally {
      await killAll();
      await emulator.close();
      await redis.destroy();
    }
  }, 90_000);
});

describe('Redis with a password', () => {
  it('works with redis://:password@host, and refuses to serve without it', async () => {
    const redis = await startRedisServer({ password: 's3cret/with:odd@chars' });
    try {
      const stack = await startStack({ env: { REDIS_URL: redis.url } });
      try {
        expect(await translate(stack.url, 'authenticated')).toMatchObject({
          status: 200,
          body: { tgt_text: '[en] authenticated' },
        });
      } finally {
        await stack.close();
      }
      // A wrong password: the API stays up, not ready, and answers 503 instead of hanging.
      const config = loadConfig({
        REDIS_URL: redis.url.replace('s3cret', 'wrong'),
        QUEUE_PREFIX: testPrefix(),
        LOG_LEVEL: 'silent',
      });
      const api = createApi({ config, logger: createLogger(config, 'test') });
      const { url } = await api.listen(0, '127.0.0.1');
      try {
        expect((await getJson(`${url}/readyz`)).status).toBe(503);
        const res = await translate(url, 'not authenticated');
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('unavailable');
        expect(JSON.stringify(res.body)).not.toContain('wrong');
      } finally {
        await api.close();
      }
    } finally {
      await redis.destroy();
    }
  }, 30_000);
});
