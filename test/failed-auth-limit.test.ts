/**
 * Failed attempts at ADMIN_TOKEN (/admin/queues) and METRICS_TOKEN (/metrics), through the real
 * stack: 401 for each of the first AUTH_FAILURE_LIMIT.failures, then 429 `rate_limited` with
 * Retry-After, even with the right secret, from every API process (the count lives in Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../api/create-api.js';
import { AUTH_FAILURE_LIMIT } from '../api/http/failed-auth-limit.js';
import { createLogger } from '../shared/logger.js';
import { createRedis } from '../shared/redis.js';
import { RedisKeys } from '../shared/redis/keys.js';
import { getJson, REDIS_URL, startStack, type HttpResult, type Stack } from './helpers/stack.js';

const ADMIN_TOKEN = 'admin-token-of-32-characters-abc';
const METRICS_TOKEN = 'metrics-token-of-32-characters-x';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const LOCKED = { error: { code: 'rate_limited', message: 'Too many failed attempts; retry later.' } };

function expectLocked(res: HttpResult): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual(LOCKED);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_LIMIT.windowMs / 1000);
}

describe('failed attempts at the admin and metrics tokens', () => {
  let stack: Stack;
  let second: Api;
  let secondUrl: string;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { ADMIN_TOKEN, METRICS_TOKEN } });
    // A second API process on the same Redis and prefix.
    second = createApi({ config: stack.config, logger: createLogger(stack.config, 'test') });
    await second.ready();
    secondUrl = (await second.listen(0, '127.0.0.1')).url;
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
  });

  it('/metrics: 401 for each of the first failures, then 429 even with the right token, on every process', async () => {
    expect(AUTH_FAILURE_LIMIT.failures).toBe(10);
    for (let i = 0; i < AUTH_FAILURE_LIMIT.failures; i++) {
      // Alternate between the two processes: they share one count.
      const url = i % 2 === 0 ? stack.url : secondUrl;
      const res = await getJson(`${url}/metrics`, i % 3 === 0 ? {} : { authorization: `Bearer wrong-${i}` });
      expect([i, res.status, res.body]).toEqual([
        i,
        401,
        { error: { code: 'unauthorized', message: 'A valid metrics token is required.' } },
      ]);
    }
    expectLocked(await getJson(`${stack.url}/metrics`, { authorization: 'Bearer wrong-again' }));
    expectLocked(await getJson(`${stack.url}/metrics`, { authorization: `Bearer ${METRICS_TOKEN}` }));
    expectLocked(await getJson(`${secondUrl}/metrics`, { authorization: `Bearer ${METRICS_TOKEN}` }));

    // The dashboard's count is its own: a lock on /metrics does not lock it.
    const page = await fetch(`${stack.url}/admin/queues`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(page.status).toBe(200);

    // When the window ends the right token works again (the window is cut short here, not waited for).
    const redis = createRedis(REDIS_URL, 'blocking');
    try {
      const keys = new RedisKeys(stack.config.QUEUE_PREFIX);
      const counters = await redis.keys(`${keys.authFailures('metrics', '*')}`);
      expect(counters).toHaveLength(1);
      await redis.del(...counters);
    } finally {
      redis.disconnect();
    }
    const ok = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
  });

  it('/admin/queues: 401 for each of the first failures, then 429 even with the right credentials', async () => {
    const wrong = [
      {} as Record<string, string>,
      { authorization: basic('admin', 'wrong') },
      { authorization: basic('root', ADMIN_TOKEN) },
      { authorization: 'Bearer wrong' },
    ];
    for (let i = 0; i < AUTH_FAILURE_LIMIT.failures; i++) {
      const url = i % 2 === 0 ? stack.url : secondUrl;
      const res = await getJson(`${url}/admin/queues/api/queues`, wrong[i % wrong.length]!);
      expect([i, res.status, res.body]).toEqual([
        i,
        401,
        { error: { code: 'unauthorized', message: 'Admin credentials are required.' } },
      ]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    expectLocked(await getJson(`${stack.url}/admin/queues`, { authorization: basic('admin', 'wrong') }));
    expectLocked(await getJson(`${stack.url}/admin/queues`, { authorization: basic('admin', ADMIN_TOKEN) }));
    expectLocked(
      await getJson(`${secondUrl}/admin/queues/api/queues`, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    );
  });
});
