/** API keys, per-client rate limit, overload and daily budget, through the running API and Redis. */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/create-api.js';
import { budgetRefusals } from '../api/metrics.js';
import { ConfigError, loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { eventually, getJson, postJson, startStack, type Stack } from './helpers/stack.js';

const body = { src_text: 'hello', tgt_lang: 'fr', src_lang: 'en' };
const ASYNC = { Prefer: 'respond-async' };

describe('API keys', () => {
  let stack: Stack;
  const hashed = createHash('sha256').update('second-key').digest('hex');
  beforeAll(async () => {
    stack = await startStack({ env: { API_KEYS: ` first-key , sha256:${hashed}` } });
  });
  afterAll(() => stack?.close());

  it.each([
    ['no key', {}],
    ['a wrong Bearer key', { Authorization: 'Bearer nope' }],
    ['a wrong X-API-Key', { 'X-API-Key': 'first-key-but-longer' }],
    ['a prefix of a key', { 'X-API-Key': 'first' }],
    ['the digest itself as a key', { 'X-API-Key': `sha256:${hashed}` }],
    ['Basic instead of Bearer', { Authorization: 'Basic Zmlyc3Qta2V5Og==' }],
    ['an empty Bearer', { Authorization: 'Bearer ' }],
  ])('401 unauthorized with %s, and nothing is queued', async (_name, headers) => {
    const before = await stack.api.queue.count();
    const res = await postJson(`${stack.url}/v1/translate`, body, headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'A valid API key is required.' } });
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await stack.api.queue.count()).toBe(before);
    const job = await getJson(`${stack.url}/v1/jobs/00000000-0000-4000-8000-000000000000.0`, headers);
    expect(job.status).toBe(401);
  });

  it('accepts a plain key as Bearer or X-API-Key, and a key configured by its SHA-256', async () => {
    const variants: Record<string, string>[] = [
      { Authorization: 'Bearer first-key' },
      { authorization: 'bearer first-key' },
      { 'X-API-Key': 'first-key' },
      { 'X-API-Key': 'second-key' },
      { Authorization: 'Bearer second-key' },
    ];
    for (const headers of variants) {
      const res = await postJson(`${stack.url}/v1/translate`, body, headers);
      expect(res).toMatchObject({ status: 200, body: { tgt_text: 'Bonjour' } });
    }
  });

  it('keeps health endpoints open, and unknown /v1 routes need a key before they say 404', async () => {
    expect((await getJson(`${stack.url}/healthz`)).status).toBe(200);
    expect((await getJson(`${stack.url}/readyz`)).status).toBe(200);
    expect((await getJson(`${stack.url}/v1/nothing`)).status).toBe(401);
    expect((await getJson(`${stack.url}/v1/nothing`, { 'X-API-Key': 'first-key' })).status).toBe(404);
  });

  it('sends secure headers (helmet) and no x-powered-by', async () => {
    const res = await fetch(`${stack.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('rate limit (RATE_LIMIT_PER_MIN)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { RATE_LIMIT_PER_MIN: '3', API_KEYS: 'a-key,b-key' } });
  });
  afterAll(() => stack?.close());

  it('429 rate_limited with Retry-After past the limit, counted per key across API processes', async () => {
    // A second API process on the same Redis shares the counters.
    const other = createApi({ config: stack.config, logger: createLogger(stack.config, 'test') });
    await other.ready();
    const { url: otherUrl } = await other.listen(0, '127.0.0.1');
    try {
      const a = { 'X-API-Key': 'a-key', ...ASYNC };
      expect((await postJson(`${stack.url}/v1/translate`, body, a)).status).toBe(202);
      expect((await postJson(`${otherUrl}/v1/translate`, body, a)).status).toBe(202);
      expect((await getJson(`${stack.url}/v1/jobs/00000000-0000-4000-8000-000000000000.0`, a)).status).toBe(
        404,
      );
      const limited = await postJson(`${otherUrl}/v1/translate`, body, a);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Another key has its own allowance; health is never limited.
      const b = { 'X-API-Key': 'b-key', ...ASYNC };
      expect((await postJson(`${stack.url}/v1/translate`, body, b)).status).toBe(202);
      for (let i = 0; i < 5; i++) expect((await getJson(`${stack.url}/healthz`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('per-IP rate limit behind a proxy (TRUST_PROXY)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The test's requests come from 127.0.0.1: a trusted proxy naming the client in X-Forwarded-For.
    stack = await startStack({ workers: 0, env: { RATE_LIMIT_PER_MIN: '2', TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => stack?.close());

  it('counts each client address a trusted proxy names, not the proxy', async () => {
    const from = (ip: string) => ({ ...ASYNC, 'X-Forwarded-For': `${ip}, 127.0.0.1` });
    expect((await postJson(`${stack.url}/v1/translate`, body, from('203.0.113.7'))).status).toBe(202);
    expect((await postJson(`${stack.url}/v1/translate`, body, from('203.0.113.7'))).status).toBe(202);
    const limited = await postJson(`${stack.url}/v1/translate`, body, from('203.0.113.7'));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await postJson(`${stack.url}/v1/translate`, body, from('203.0.113.8'))).status).toBe(202);
  });

  it('parses the setting, and refuses an address it cannot read', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,192.168.0.0/255.255.0.0, ::1' }).TRUST_PROXY,
    ).toEqual(['loopback', '10.0.0.0/8', '192.168.0.0/255.255.0.0', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33,proxy.local' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.local' })).toThrow(/TRUST_PROXY: .*not proxy\.local/);
  });
});

describe('overload (MAX_QUEUE_DEPTH)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { MAX_QUEUE_DEPTH: '3' } });
  });
  afterAll(() => stack?.close());

  it('429 overloaded with Retry-After while too many jobs wait, and accepts again once they drain', async () => {
    for (let i = 0; i < 4; i++) {
      expect(
        (await postJson(`${stack.url}/v1/translate`, { ...body, src_text: `t${i}` }, ASYNC)).status,
      ).toBe(202);
    }
    // The depth is sampled (at most 250 ms old), not read per request.
    await new Promise((r) => setTimeout(r, 300));
    await postJson(`${stack.url}/v1/translate`, body, ASYNC);
    const res = await postJson(`${stack.url}/v1/translate`, body, ASYNC);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('overloaded');
    expect(res.headers.get('retry-after')).toBe('2');
    // Reads are never refused.
    expect((await getJson(`${stack.url}/v1/jobs/00000000-0000-4000-8000-000000000000.0`)).status).toBe(404);

    await stack.startWorker();
    await new Promise((r) => setTimeout(r, 100));
    let ok = 0;
    for (let i = 0; i < 40 && ok === 0; i++) {
      const again = await postJson(`${stack.url}/v1/translate`, body);
      if (again.status === 200) ok++;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(1);
  });
});

describe('open waits (MAX_OPEN_WAITS)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { MAX_OPEN_WAITS: '2' } });
  });
  afterAll(() => stack?.close());

  it('answers 202 at once past MAX_OPEN_WAITS held waits, and the job still runs', async () => {
    const held = [1, 2].map((i) =>
      postJson(`${stack.url}/v1/translate`, { ...body, src_text: `held ${i}` }, { Prefer: 'wait=10' }),
    );
    await waitUntil(() => stack.api.waiter.size === 2);
    const started = Date.now();
    const third = await postJson(
      `${stack.url}/v1/translate`,
      { ...body, src_text: 'not held' },
      { Prefer: 'wait=10' },
    );
    expect(third.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(1000);
    await stack.startWorker();
    for (const r of await Promise.all(held)) expect(r.status).toBe(200);
    await eventually(
      async () => (await getJson(`${stack.url}/v1/jobs/${third.body.job_id}`)).body.status === 'completed',
    );
  });
});

describe('daily budget (DAILY_CHAR_BUDGET)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { DAILY_CHAR_BUDGET: '12' } });
  });
  afterAll(() => stack?.close());

  it('429 budget_exhausted once the characters of the day are used, nothing queued past it', async () => {
    // Code points count, like Google bills: 'héllo' is 5.
    expect((await postJson(`${stack.url}/v1/translate`, { ...body, src_text: 'héllo' }, ASYNC)).status).toBe(
      202,
    );
    expect(
      (await postJson(`${stack.url}/v1/translate`, { ...body, src_text: '안녕하세요' }, ASYNC)).status,
    ).toBe(202);
    const refusals = async () =>
      (await budgetRefusals.get()).values.find((v) => v.labels.budget === 'global')?.value ?? 0;
    const refusedBefore = await refusals();
    const over = await postJson(`${stack.url}/v1/translate`, { ...body, src_text: 'abc' }, ASYNC);
    expect((await refusals()) - refusedBefore).toBe(1);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('budget_exhausted');
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    // What still fits is accepted.
    expect((await postJson(`${stack.url}/v1/translate`, { ...body, src_text: 'ab' }, ASYNC)).status).toBe(
      202,
    );
    expect(await stack.api.queue.count()).toBe(3);
  });
});

describe('shutdown', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { API_DRAIN_MS: '3000' } });
  });
  afterAll(() => stack?.close());

  it('answers a request that arrives on an open connection after shutdown began with 503 + Connection: close', async () => {
    stack.emulator.setOptions({ latencyMs: 800 });
    const { port } = new URL(stack.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const ended = new Promise((r) => socket.on('close', r));
    const request = (text: string) => {
      const payload = JSON.stringify({ src_text: text, tgt_lang: 'en', src_lang: 'fr' });
      return `POST /v1/translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`;
    };
    socket.write(request('first on the connection'));
    await waitUntil(() => stack.emulator.stats().inFlight === 1);
    const closing = stack.api.close();
    // The connection is busy, so shutdown keeps it open; a request sent on it now must not start work.
    socket.write(request('second on the connection'));
    await ended;
    await closing;
    const responses = received.split(/(?=HTTP\/1\.1 )/);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[0]).toContain('[en] first on the connection');
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]!.toLowerCase()).toContain('connection: close');
    expect(responses[1]).toContain('"code":"unavailable"');
    expect(stack.emulator.seenCount('second on the connection')).toBe(0);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
