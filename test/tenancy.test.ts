/**
 * Keys are tenants (issue 12): through the real stack with two API keys, every route answers 404
 * across keys, requests of both keys packed into one job still get ids only their own key can
 * read, and the cache scope keeps (`tenant`) or shares (`shared`) what one key's traffic reveals.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../api/create-api.js';
import { pipelined } from './helpers/pipelined.js';
import { cacheSavedChars } from '../api/metrics.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import {
  cleanPrefix,
  eventually,
  getJson,
  itemOf,
  postJson,
  REDIS_URL,
  startStack,
  testPrefix,
  type HttpResult,
  type Stack,
} from './helpers/stack.js';

const KEY_A = 'tenant-a-secret-key';
const KEY_B = 'tenant-b-secret-key';
const tenantName = (key: string) => `key-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
const A = { authorization: `Bearer ${KEY_A}` };
const B = { 'x-api-key': KEY_B };
const ASYNC = { Prefer: 'respond-async' };
const API_KEYS = `${KEY_A},sha256:${createHash('sha256').update(KEY_B).digest('hex')}`;

const notFound = (what: 'job' | 'batch', id: string) => ({
  error: {
    code: 'not_found',
    message: `No ${what} ${id} (unknown, or ${what === 'job' ? 'its result has' : 'it has'} expired).`,
  },
});

/** translation_cache_saved_characters_total{scope, via}, summed over keys, of this process. */
async function saved(scope: 'tenant' | 'shared', via: 'cache' | 'join'): Promise<number> {
  const { values } = await cacheSavedChars.get();
  return values
    .filter((v) => v.labels.scope === scope && v.labels.via === via)
    .reduce((n, v) => n + v.value, 0);
}

const request = (text: string, tgt = 'de') => ({ src_text: text, tgt_lang: tgt, src_lang: 'en' });

async function httpDelete(url: string, headers: Record<string, string>): Promise<HttpResult> {
  const res = await fetch(url, { method: 'DELETE', headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('two keys, CACHE_SCOPE=tenant (the default with keys)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { API_KEYS } });
  });
  afterAll(() => stack?.close());

  it('GET /v1/jobs/{id}: the key that made the request reads it, the other gets 404', async () => {
    const res = await postJson(`${stack.url}/v1/translate`, request('only mine'), A);
    expect(res.status).toBe(200);
    const id = res.body.job_id as string;
    expect((await getJson(`${stack.url}/v1/jobs/${id}`, A)).body).toMatchObject({
      job_id: id,
      status: 'completed',
      result: { tgt_text: '[de] only mine' },
    });
    const other = await getJson(`${stack.url}/v1/jobs/${id}`, B);
    expect([other.status, other.body]).toEqual([404, notFound('job', id)]);
  });

  it('an id of the old <uuid>.<index> form is refused', async () => {
    const res = await postJson(`${stack.url}/v1/translate`, request('old form'), A);
    const { queueJobId, index } = await itemOf(stack, res.body.job_id, tenantName(KEY_A));
    const old = await getJson(`${stack.url}/v1/jobs/${queueJobId}.${index}`, A);
    expect(old.status).toBe(404);
    expect(old.body.error.code).toBe('not_found');
  });

  it('a batch, its results, its events and its cancel: 404 for the other key, which changes nothing', async () => {
    stack.emulator.setOptions({ latencyMs: 1000 });
    try {
      const created = await postJson(
        `${stack.url}/v1/batches`,
        { src_texts: ['batch one', 'batch two'], tgt_langs: ['fr'] },
        A,
      );
      expect(created.status).toBe(202);
      const id = created.body.batch_id as string;
      const base = `${stack.url}/v1/batches/${id}`;
      for (const path of [base, `${base}/results`, `${base}/events`]) {
        const res = await getJson(path, B);
        expect([path, res.status, res.body]).toEqual([path, 404, notFound('batch', id)]);
      }
      const cancel = await httpDelete(base, B);
      expect([cancel.status, cancel.body]).toEqual([404, notFound('batch', id)]);

      // The owner reads all of it, and the other key's cancel did nothing.
      expect((await getJson(base, A)).body).toMatchObject({ batch_id: id, status: 'running', total: 2 });
      expect((await getJson(`${base}/results`, A)).body.items).toHaveLength(2);
      const events = new AbortController();
      const stream = await fetch(`${base}/events`, { headers: A, signal: events.signal });
      expect(stream.status).toBe(200);
      events.abort();
      const done = await eventually(async () => {
        const res = await getJson(base, A);
        return res.body.status === 'completed' ? res : undefined;
      });
      expect(done.body).toMatchObject({ completed: 2, cancelled: 0 });
      // And the owner's cancel is answered (the batch is over: 200 with its final state).
      expect((await httpDelete(base, A)).status).toBe(200);
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });

  it('requests of both keys packed into one job: each gets its own id, neither reads the other', async () => {
    stack.emulator.setOptions({ latencyMs: 300 });
    try {
      const answers = await pipelined(stack.url, [
        { body: request('packed for a', 'it'), headers: { ...A, ...ASYNC } },
        { body: request('packed for b', 'it'), headers: { ...B, ...ASYNC } },
      ]);
      expect(answers.map((a) => a.status)).toEqual([202, 202]);
      const [idA, idB] = answers.map((a) => a.body.job_id);
      // They did share a job (the case that leaked: B changed the index of A's id).
      const itemA = await itemOf(stack, idA!, tenantName(KEY_A));
      const itemB = await itemOf(stack, idB!, tenantName(KEY_B));
      expect(itemB.queueJobId).toBe(itemA.queueJobId);
      expect([itemA.index, itemB.index]).toEqual([0, 1]);

      const read = (id: string, headers: Record<string, string>) =>
        eventually(async () => {
          const res = await getJson(`${stack.url}/v1/jobs/${id}`, headers);
          return res.status !== 200 || res.body.status === 'completed' ? res : undefined;
        });
      expect((await read(idA!, A)).body.result).toMatchObject({ job_id: idA, tgt_text: '[it] packed for a' });
      expect((await read(idB!, B)).body.result).toMatchObject({ job_id: idB, tgt_text: '[it] packed for b' });
      for (const [id, headers] of [
        [idA!, B],
        [idB!, A],
      ] as const) {
        const res = await getJson(`${stack.url}/v1/jobs/${id}`, headers);
        expect([res.status, res.body]).toEqual([404, notFound('job', id)]);
      }
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });

  it("one key's cache and texts in flight are invisible to the other", async () => {
    const text = request(`cached for a ${Math.random()}`);
    const savedBefore = await saved('tenant', 'cache');
    expect((await postJson(`${stack.url}/v1/translate`, text, A)).body.cached).toBeUndefined();
    await eventually(async () => (await postJson(`${stack.url}/v1/translate`, text, A)).body.cached === true);
    expect((await saved('tenant', 'cache')) - savedBefore).toBe(text.src_text.length);
    const b = await postJson(`${stack.url}/v1/translate`, text, B);
    expect(b.status).toBe(200);
    expect(b.body.cached).toBeUndefined();
    expect(b.body.job_id).toEqual(expect.any(String));
    expect(stack.emulator.seenCount(text.src_text)).toBe(2);

    // In flight: B does not join A's item, so it learns nothing of it either.
    stack.emulator.setOptions({ latencyMs: 300 });
    try {
      const same = request(`in flight ${Math.random()}`);
      const first = postJson(`${stack.url}/v1/translate`, same, A);
      await eventually(async () => stack.emulator.stats().inFlight === 1);
      const second = await postJson(`${stack.url}/v1/translate`, same, B);
      expect((await first).status).toBe(200);
      expect(second.status).toBe(200);
      expect((await itemOf(stack, second.body.job_id, tenantName(KEY_B))).joined).toBe(false);
      expect(stack.emulator.seenCount(same.src_text)).toBe(2);
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });
});

describe('two keys, CACHE_SCOPE=shared', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { API_KEYS, CACHE_SCOPE: 'shared' } });
  });
  afterAll(() => stack?.close());

  it('a text one key translated is cached for the other (what the shared scope reveals)', async () => {
    const text = request(`shared cache ${Math.random()}`);
    const savedBefore = await saved('shared', 'cache');
    expect((await postJson(`${stack.url}/v1/translate`, text, A)).body.cached).toBeUndefined();
    const b = await eventually(async () => {
      const res = await postJson(`${stack.url}/v1/translate`, text, B);
      return res.body.cached === true ? res : undefined;
    });
    expect(b.body).toMatchObject({ job_id: null, tgt_text: `[de] ${text.src_text}`, cached: true });
    expect(stack.emulator.seenCount(text.src_text)).toBe(1);
    // /metrics shows what the shared scope saved.
    expect((await saved('shared', 'cache')) - savedBefore).toBe(text.src_text.length);
  });

  it("a key joining another's text in flight gets an id of its own, which only it can read", async () => {
    stack.emulator.setOptions({ latencyMs: 300 });
    try {
      const same = request(`shared in flight ${Math.random()}`);
      const savedBefore = await saved('shared', 'join');
      const first = postJson(`${stack.url}/v1/translate`, same, A);
      await eventually(async () => stack.emulator.stats().inFlight === 1);
      const joined = await postJson(`${stack.url}/v1/translate`, same, B);
      const original = await first;
      expect([original.status, joined.status]).toEqual([200, 200]);
      expect(stack.emulator.seenCount(same.src_text)).toBe(1);
      expect((await saved('shared', 'join')) - savedBefore).toBe(same.src_text.length);
      expect(joined.body.job_id).not.toBe(original.body.job_id);
      const itemB = await itemOf(stack, joined.body.job_id, tenantName(KEY_B));
      expect(itemB).toEqual({
        ...(await itemOf(stack, original.body.job_id, tenantName(KEY_A))),
        joined: true,
      });

      expect((await getJson(`${stack.url}/v1/jobs/${joined.body.job_id}`, B)).body).toMatchObject({
        status: 'completed',
        result: { tgt_text: `[de] ${same.src_text}` },
      });
      const other = await getJson(`${stack.url}/v1/jobs/${joined.body.job_id}`, A);
      expect([other.status, other.body]).toEqual([404, notFound('job', joined.body.job_id)]);
      const theirs = await getJson(`${stack.url}/v1/jobs/${original.body.job_id}`, B);
      expect(theirs.status).toBe(404);
    } finally {
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });
});

describe('open mode (no keys)', () => {
  /** The messages of the warn lines an API logs while it listens on `host`. */
  async function warningsListeningOn(env: Record<string, string>, host: string): Promise<string[]> {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const prefix = testPrefix();
    const config = loadConfig({ REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', ...env });
    const api = createApi({ config, logger: createLogger(config, 'test', { destination: sink }) });
    try {
      await api.ready();
      await api.listen(0, host);
    } finally {
      await api.close();
      await cleanPrefix(prefix);
    }
    return lines.filter((l) => l.level === 40).map((l) => l.msg);
  }

  it('warns at start when it listens beyond loopback without keys, not on loopback or with keys', async () => {
    const warning =
      'no API keys (API_KEYS, API_KEYS_FILE): anyone who reaches this address can use the API and read every job';
    expect(await warningsListeningOn({}, '0.0.0.0')).toEqual([warning]);
    expect(await warningsListeningOn({}, '127.0.0.1')).toEqual([]);
    expect(await warningsListeningOn({ API_KEYS: KEY_A }, '0.0.0.0')).toEqual([]);
  });
});
