/** POST /v1/batches and friends through the real stack: API, Redis, batch worker, Google client, emulator. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../shared/queues.js';
import { killAll, startWorkerProcess } from './helpers/processes.js';
import {
  REDIS_URL,
  eventually,
  getJson,
  postJson,
  stackEnv,
  startStack,
  type Stack,
} from './helpers/stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = 'test-webhook-secret-0123456789';

async function finished(stack: Stack, id: string, timeoutMs = 10_000) {
  return eventually(async () => {
    const res = await getJson(`${stack.url}/v1/batches/${id}`);
    return res.body.status !== 'running' ? res.body : undefined;
  }, timeoutMs);
}

async function allResults(stack: Stack, id: string, limit = 1000) {
  const items = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page = await getJson(`${stack.url}/v1/batches/${id}/results?offset=${offset}&limit=${limit}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    offset = page.body.next_offset;
  }
  return items;
}

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads an SSE stream until `stop` says so (or the server ends it). */
async function readEvents(
  url: string,
  headers: Record<string, string> = {},
  stop: (events: SseEvent[]) => boolean = () => false,
): Promise<SseEvent[]> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'id' || field === 'event' || field === 'data') event[field] = value;
        }
        if (event.event) events.push(event);
      }
      if (stop(events)) break;
    }
  } finally {
    abort.abort();
  }
  return events;
}

describe('batches', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        MAX_BATCH_ITEMS: '300',
        BATCH_EVENTS_INTERVAL_MS: '20',
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_BACKOFF_MS: '50',
        JOB_ATTEMPTS: '2',
        PROVIDER_QUOTA_PAUSE_MS: '50',
      },
    });
  });
  afterAll(() => stack?.close());

  it('accepts the items form and returns results in submission order with refs', async () => {
    const items = [
      { src_text: '안녕하세요', tgt_lang: 'en', ref: 'greeting' },
      { src_text: 'bonjour', tgt_lang: 'de', src_lang: 'fr', ref: 2 },
      { src_text: '<b>a & b</b>', tgt_lang: 'ja', src_lang: 'en', format: 'html' },
      { src_text: 'bonjour', tgt_lang: 'de', src_lang: 'fr', ref: 'dup' },
    ];
    const res = await postJson(`${stack.url}/v1/batches`, { items });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      batch_id: expect.stringMatching(UUID),
      status: 'running',
      total: 4,
      links: {
        self: `/v1/batches/${res.body.batch_id}`,
        results: `/v1/batches/${res.body.batch_id}/results`,
        events: `/v1/batches/${res.body.batch_id}/events`,
      },
    });
    expect(res.headers.get('location')).toBe(`/v1/batches/${res.body.batch_id}`);
    const done = await finished(stack, res.body.batch_id);
    expect(done).toEqual({
      batch_id: res.body.batch_id,
      status: 'completed',
      total: 4,
      completed: 4,
      failed: 0,
      cancelled: 0,
      created_at: expect.any(String),
      finished_at: expect.any(String),
    });
    const results = await allResults(stack, res.body.batch_id);
    expect(results).toEqual([
      {
        index: 0,
        ref: 'greeting',
        src_text: '안녕하세요',
        tgt_lang: 'en',
        status: 'completed',
        tgt_text: 'Hello',
        detected_src_lang: 'ko',
      },
      {
        index: 1,
        ref: 2,
        src_text: 'bonjour',
        tgt_lang: 'de',
        status: 'completed',
        tgt_text: 'Hallo',
      },
      {
        index: 2,
        src_text: '<b>a & b</b>',
        tgt_lang: 'ja',
        status: 'completed',
        tgt_text: expect.stringContaining('&amp;'),
      },
      {
        index: 3,
        ref: 'dup',
        src_text: 'bonjour',
        tgt_lang: 'de',
        status: 'completed',
        tgt_text: 'Hallo',
      },
    ]);
    // Identical texts of a batch are translated once.
    expect(stack.emulator.seenCount('bonjour')).toBe(1);
  });

  it('accepts src_texts × tgt_langs, fills provider requests, pages results', async () => {
    stack.emulator.resetStats();
    const texts = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const res = await postJson(`${stack.url}/v1/batches`, {
      src_texts: texts,
      tgt_langs: ['en', 'ja'],
      src_lang: 'fr',
    });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(200);
    const done = await finished(stack, res.body.batch_id);
    expect(done).toMatchObject({ status: 'completed', completed: 200, failed: 0 });
    const results = await allResults(stack, res.body.batch_id, 30);
    expect(results).toHaveLength(200);
    results.forEach((item, i) => {
      const text = texts[Math.floor(i / 2)];
      const lang = i % 2 === 0 ? 'en' : 'ja';
      expect(item).toEqual({
        index: i,
        src_text: text,
        tgt_lang: lang,
        status: 'completed',
        tgt_text: `[${lang}] ${text}`,
      });
    });
    // One request per target language: 100 segments each.
    const stats = stack.emulator.stats();
    expect(stats.requests).toBe(2);
    expect(stats.log.map((e) => e.segments)).toEqual([100, 100]);
  });

  it('bounds provider requests by BATCH_CHUNK_MAX_CHARS as well as 128 segments', async () => {
    stack.emulator.resetStats();
    const texts = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(96)}`);
    const res = await postJson(`${stack.url}/v1/batches`, {
      src_texts: texts,
      tgt_langs: ['ko'],
      src_lang: 'en',
    });
    await finished(stack, res.body.batch_id);
    // 100 characters each, 5,000 per request: 50 texts a request.
    expect(stack.emulator.stats().log.map((e) => [e.segments, e.characters])).toEqual([
      [50, 5000],
      [50, 5000],
      [50, 5000],
      [50, 5000],
    ]);
  });

  it('rejects the whole batch with 400 listing every bad index, and 413 past MAX_BATCH_ITEMS', async () => {
    const bad = await postJson(`${stack.url}/v1/batches`, {
      items: [
        { src_text: 'ok', tgt_lang: 'en' },
        { src_text: '', tgt_lang: 'en' },
        { src_text: 'ok', tgt_lang: 'english!' },
        { src_text: 'ok', tgt_lang: 'en', extra: 1 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.message).toBe('3 of 4 items are not valid (indexes 1, 2, 3).');
    expect(bad.body.error.details.map((d: { index: number }) => d.index)).toEqual([1, 2, 3]);
    expect(bad.body.error.details[0]).toEqual({
      path: 'body.items.1.src_text',
      message: 'must not be empty',
      index: 1,
    });

    const badText = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['a', 'b\u0000'],
      tgt_langs: ['en'],
    });
    expect(badText.status).toBe(400);
    expect(badText.body.error.details).toEqual([
      { path: 'body.src_texts.1', message: 'must not contain NUL characters', index: 1 },
    ]);

    const empty = await postJson(`${stack.url}/v1/batches`, { items: [] });
    expect(empty.status).toBe(400);

    const tooMany = await postJson(`${stack.url}/v1/batches`, {
      src_texts: Array.from({ length: 101 }, (_, i) => `t${i}`),
      tgt_langs: ['en', 'ja', 'de'],
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toEqual({
      code: 'batch_too_large',
      message: 'The batch has 303 items; at most 300 are allowed.',
    });
  });

  it('returns the same batch for the same Idempotency-Key', async () => {
    const body = { items: [{ src_text: 'idempotent', tgt_lang: 'en' }] };
    const key = `key-${Date.now()}`;
    const first = await postJson(`${stack.url}/v1/batches`, body, { 'Idempotency-Key': key });
    const second = await postJson(`${stack.url}/v1/batches`, body, { 'Idempotency-Key': key });
    const other = await postJson(`${stack.url}/v1/batches`, body, { 'Idempotency-Key': `${key}-2` });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.batch_id).toBe(first.body.batch_id);
    expect(other.body.batch_id).not.toBe(first.body.batch_id);
    await finished(stack, first.body.batch_id);
    await finished(stack, other.body.batch_id);
    expect(stack.emulator.seenCount('idempotent')).toBe(2);
  });

  it('refuses an Idempotency-Key sent again with a different batch (422), the same batch in any key order is the same', async () => {
    const key = `key-reused-${Date.now()}`;
    const body = { items: [{ src_text: 'keyed once', tgt_lang: 'en', ref: 'a' }] };
    const first = await postJson(`${stack.url}/v1/batches`, body, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    const reordered = { items: [{ ref: 'a', tgt_lang: 'en', src_text: 'keyed once' }] };
    const same = await postJson(`${stack.url}/v1/batches`, reordered, { 'Idempotency-Key': key });
    expect(same.status).toBe(202);
    expect(same.body.batch_id).toBe(first.body.batch_id);
    const different = { items: [{ src_text: 'keyed twice', tgt_lang: 'en', ref: 'a' }] };
    const refused = await postJson(`${stack.url}/v1/batches`, different, { 'Idempotency-Key': key });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({
      code: 'idempotency_key_reused',
      message: 'This Idempotency-Key was already used with a different request.',
      details: [
        { path: 'headers.idempotency-key', message: `already used for batch ${first.body.batch_id}` },
      ],
    });
    await finished(stack, first.body.batch_id);
    expect(stack.emulator.seenCount('keyed twice')).toBe(0);
  });

  it('Prefer: wait=N answers 200 with the finished batch and its results', async () => {
    const res = await postJson(
      `${stack.url}/v1/batches`,
      { items: [{ src_text: 'quick one', tgt_lang: 'ko', src_lang: 'en', ref: 'q' }] },
      { Prefer: 'wait=5' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'completed',
      total: 1,
      completed: 1,
      items: [{ index: 0, ref: 'q', status: 'completed', tgt_text: '[ko] quick one' }],
    });
  });

  it('mixes good items with items the provider rejects: completed_with_errors, per-item errors', async () => {
    stack.emulator.resetStats();
    const items = [
      ...Array.from({ length: 20 }, (_, i) => ({ src_text: `good ${i}`, tgt_lang: 'en', src_lang: 'fr' })),
      { src_text: '__emulator_reject__', tgt_lang: 'en', src_lang: 'fr', ref: 'bad' },
      { src_text: 'unknown target', tgt_lang: 'xx', src_lang: 'fr', ref: 'xx' },
      { src_text: 'good tail', tgt_lang: 'en', src_lang: 'fr' },
    ];
    const res = await postJson(`${stack.url}/v1/batches`, { items });
    const done = await finished(stack, res.body.batch_id);
    expect(done).toMatchObject({ status: 'completed_with_errors', total: 23, completed: 21, failed: 2 });
    const results = await allResults(stack, res.body.batch_id);
    expect(results.filter((r) => r.status === 'completed')).toHaveLength(21);
    expect(results[20]).toMatchObject({
      ref: 'bad',
      status: 'failed',
      error: { code: 'unsupported_language', message: expect.any(String) },
    });
    expect(results[21]).toMatchObject({
      ref: 'xx',
      status: 'failed',
      error: { code: 'unsupported_language' },
    });
    expect(results[22]).toMatchObject({ status: 'completed', tgt_text: '[en] good tail' });
    // The bad texts were isolated by splitting down to a request of their own, while the good
    // ones still went in requests of many segments.
    const log = stack.emulator.stats().log;
    expect(Math.min(...log.filter((e) => e.status === 400).map((e) => e.segments))).toBe(1);
    expect(Math.max(...log.filter((e) => e.status === 200).map((e) => e.segments))).toBeGreaterThanOrEqual(
      10,
    );
  });

  it('retries a chunk after a transient provider failure', async () => {
    stack.emulator.setOptions({ failNext: { count: 1, kind: '503' } });
    const res = await postJson(`${stack.url}/v1/batches`, {
      items: [{ src_text: 'transient', tgt_lang: 'en', src_lang: 'fr' }],
    });
    const done = await finished(stack, res.body.batch_id);
    expect(done).toMatchObject({ status: 'completed', completed: 1 });
    expect(stack.emulator.seenCount('transient')).toBe(2);
  });

  it('waits out a quota answer without spending an attempt; a daily quota fails the items at once', async () => {
    stack.emulator.setOptions({ failNext: { count: 2, kind: '429' } });
    const res = await postJson(`${stack.url}/v1/batches`, {
      items: [{ src_text: 'quota', tgt_lang: 'en', src_lang: 'fr' }],
    });
    expect(await finished(stack, res.body.batch_id)).toMatchObject({ status: 'completed', completed: 1 });
    expect(stack.emulator.seenCount('quota')).toBe(3);

    stack.emulator.resetStats();
    stack.emulator.setOptions({ failNext: { count: 1, kind: '403-daily' } });
    const daily = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['day one', 'day two', 'day three'],
      tgt_langs: ['en'],
      src_lang: 'fr',
    });
    expect(await finished(stack, daily.body.batch_id)).toMatchObject({
      status: 'completed_with_errors',
      failed: 3,
    });
    const results = await allResults(stack, daily.body.batch_id);
    expect(results.map((r) => r.error?.message)).toEqual(
      Array(3).fill("The provider's daily quota is used up."),
    );
    // No split, no probe: the refusal is about every text.
    expect(stack.emulator.stats().faultsInjected).toBe(1);
    expect(stack.emulator.stats().requests).toBe(0);
  });

  it('shows partial results while running, and streams progress then done over SSE', async () => {
    stack.emulator.setOptions({ latencyMs: 150 });
    try {
      // One chunk per target language, one chunk at a time: progress arrives in steps.
      const chunks = stack.workers[0]!.batch.chunks;
      chunks.concurrency = 1;
      const res = await postJson(`${stack.url}/v1/batches`, {
        src_texts: ['alpha', 'beta'],
        tgt_langs: ['en', 'ja', 'de', 'fr', 'es'],
        src_lang: 'ko',
      });
      const id = res.body.batch_id;
      const partial = await eventually(async () => {
        const page = await getJson(`${stack.url}/v1/batches/${id}/results`);
        const statuses = page.body.items.map((i: { status: string }) => i.status);
        return statuses.includes('completed') && statuses.includes('pending') ? page.body : undefined;
      });
      expect(partial.items).toHaveLength(10);
      expect(partial.next_offset).toBeNull();

      // Read two progress events, leave, come back with Last-Event-ID.
      const first = await readEvents(`${stack.url}/v1/batches/${id}/events`, {}, (ev) => ev.length >= 2);
      expect(first.every((e) => e.event === 'progress')).toBe(true);
      const lastId = first.at(-1)!.id!;
      const rest = await readEvents(`${stack.url}/v1/batches/${id}/events`, { 'Last-Event-ID': lastId });
      const done = rest.at(-1)!;
      expect(done.event).toBe('done');
      expect(JSON.parse(done.data!)).toMatchObject({ batch_id: id, status: 'completed', completed: 10 });
      const progressIds = [...first, ...rest].filter((e) => e.event === 'progress').map((e) => Number(e.id));
      // Ids only grow; nothing already seen is sent again after the resume.
      expect([...progressIds].sort((a, b) => a - b)).toEqual(progressIds);
      expect(new Set(progressIds).size).toBe(progressIds.length);
      for (const e of first.concat(rest).filter((x) => x.event === 'progress')) {
        const data = JSON.parse(e.data!);
        expect(data.total).toBe(10);
        expect(data.completed + data.failed).toBe(Number(e.id));
      }
      // A finished batch answers done at once.
      const again = await readEvents(`${stack.url}/v1/batches/${id}/events`);
      expect(again.map((e) => e.event)).toEqual(['done']);
    } finally {
      stack.workers[0]!.batch.chunks.concurrency = 8;
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });

  it('cancel: chunks not yet started never reach the provider; in-flight ones finish', async () => {
    stack.emulator.setOptions({ latencyMs: 300 });
    try {
      const langs = ['en', 'ja', 'de', 'fr', 'es', 'it'];
      // One chunk at a time, so most of them are still waiting when the cancel comes.
      stack.workers[0]!.batch.chunks.concurrency = 1;
      const res = await postJson(`${stack.url}/v1/batches`, {
        src_texts: ['cancel me'],
        tgt_langs: langs,
        src_lang: 'ko',
      });
      const id = res.body.batch_id;
      await eventually(async () => stack.emulator.stats().inFlight > 0);
      const cancel = await fetch(`${stack.url}/v1/batches/${id}`, { method: 'DELETE' });
      expect([200, 202]).toContain(cancel.status);
      const done = await finished(stack, id);
      expect(done).toMatchObject({ status: 'cancelled', total: 6 });
      expect(done.completed).toBeGreaterThanOrEqual(1);
      expect(done.completed + done.cancelled).toBe(6);
      expect(done.cancelled).toBeGreaterThan(0);
      // Only the chunks already in flight were sent: one text, so its count says how many.
      expect(stack.emulator.seenCount('cancel me')).toBe(done.completed);
      const results = await allResults(stack, id);
      expect(results.filter((r) => r.status === 'cancelled')).toHaveLength(done.cancelled);
      // Waiting chunk jobs drain as no-ops; nothing more reaches the provider.
      await new Promise((r) => setTimeout(r, 400));
      expect(stack.emulator.seenCount('cancel me')).toBe(done.completed);
      const again = await fetch(`${stack.url}/v1/batches/${id}`, { method: 'DELETE' });
      expect(again.status).toBe(200);
    } finally {
      stack.workers[0]!.batch.chunks.concurrency = 8;
      stack.emulator.setOptions({ latencyMs: 0 });
    }
  });

  it('delivers a signed webhook once, retrying after the receiver fails', async () => {
    const received: { body: string; signature: string | undefined; attempt: string | undefined }[] = [];
    let failuresLeft = 2;
    const receiver: Server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(500).end();
          return;
        }
        received.push({
          body,
          signature: req.headers['x-signature'] as string | undefined,
          attempt: req.headers['x-delivery-attempt'] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const res = await postJson(`${stack.url}/v1/batches`, {
        items: [{ src_text: 'hook', tgt_lang: 'en', src_lang: 'fr' }],
        callback_url: `http://127.0.0.1:${port}/hooks/batch?x=1`,
      });
      expect(res.status).toBe(202);
      await eventually(async () => received.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toHaveLength(1);
      const [delivery] = received;
      const expected = `sha256=${createHmac('sha256', SECRET).update(delivery!.body).digest('hex')}`;
      expect(delivery!.signature).toBe(expected);
      expect(delivery!.attempt).toBe('3');
      expect(JSON.parse(delivery!.body)).toMatchObject({
        batch_id: res.body.batch_id,
        status: 'completed',
        total: 1,
        completed: 1,
      });
    } finally {
      receiver.close();
    }
  });

  it('404 for unknown batches and malformed ids; 400 for a bad page query', async () => {
    const unknown = await getJson(`${stack.url}/v1/batches/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await getJson(`${stack.url}/v1/batches/nope/results`)).status).toBe(404);
    expect(
      (await getJson(`${stack.url}/v1/batches/00000000-0000-4000-8000-000000000000/events`)).status,
    ).toBe(404);
    const res = await postJson(`${stack.url}/v1/batches`, { items: [{ src_text: 'x', tgt_lang: 'en' }] });
    const badQuery = await getJson(`${stack.url}/v1/batches/${res.body.batch_id}/results?limit=0`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.details[0].path).toBe('query.limit');
  });
});

describe('batch webhook SSRF guard', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { WEBHOOK_SECRET: SECRET } });
  });
  afterAll(() => stack?.close());

  it('refuses callback URLs on loopback, private and link-local addresses', async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://localhost:8080/hook',
      'http://10.1.2.3/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
    ]) {
      const res = await postJson(`${stack.url}/v1/batches`, {
        items: [{ src_text: 'x', tgt_lang: 'en' }],
        callback_url: url,
      });
      expect(res.status, url).toBe(400);
      expect(res.body.error.details).toEqual([
        {
          path: 'body.callback_url',
          message: 'refused: it resolves to a loopback, private or link-local address',
        },
      ]);
    }
    const notHttp = await postJson(`${stack.url}/v1/batches`, {
      items: [{ src_text: 'x', tgt_lang: 'en' }],
      callback_url: 'file:///etc/passwd',
    });
    expect(notHttp.status).toBe(400);
  });
});

describe('batch expiry and budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { RESULT_TTL_S: '1', DAILY_CHAR_BUDGET: '40' } });
  });
  afterAll(() => stack?.close());

  it('forgets a batch and its results RESULT_TTL_S after its last change', async () => {
    const res = await postJson(`${stack.url}/v1/batches`, { items: [{ src_text: 'brief', tgt_lang: 'en' }] });
    await finished(stack, res.body.batch_id);
    expect((await getJson(`${stack.url}/v1/batches/${res.body.batch_id}/results`)).status).toBe(200);
    await eventually(
      async () => (await getJson(`${stack.url}/v1/batches/${res.body.batch_id}`)).status === 404,
      4000,
      200,
    );
    expect((await getJson(`${stack.url}/v1/batches/${res.body.batch_id}/results`)).status).toBe(404);
  });

  it('counts every item against the daily character budget; over it, 429 and nothing queued', async () => {
    const over = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['0123456789', 'abcdefghij', 'klmnopqrst'],
      tgt_langs: ['en', 'ja'],
    });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('budget_exhausted');
    const fits = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['0123456789'],
      tgt_langs: ['en', 'ja'],
    });
    expect(fits.status).toBe(202);
  });
});
describe('batch webhook SSRF guard at delivery', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The API lets private callbacks through; the worker does not (e.g. DNS changed since).
    stack = await startStack({ workers: 0, env: { WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: 'true' } });
    await stack.startWorker({ WEBHOOK_ALLOW_PRIVATE: 'false' });
  });
  afterAll(() => stack?.close());

  it('refuses to connect when the callback host resolves to a private address, without retrying', async () => {
    let hits = 0;
    const receiver = createServer((_req, res) => {
      hits += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const res = await postJson(`${stack.url}/v1/batches`, {
        items: [{ src_text: 'guarded', tgt_lang: 'en' }],
        callback_url: `http://localhost:${port}/hook`,
      });
      expect(res.status).toBe(202);
      await finished(stack, res.body.batch_id);
      const queue = new Queue(QUEUE_NAMES.batchWebhook, {
        connection: { url: REDIS_URL },
        prefix: stack.config.QUEUE_PREFIX,
      });
      try {
        const failed = await eventually(async () => {
          const job = await queue.getJob(`webhook-${res.body.batch_id}`);
          return job?.failedReason ? job : undefined;
        });
        expect(failed.failedReason).toContain('private address');
        expect(failed.attemptsMade).toBe(1);
      } finally {
        await queue.close();
      }
      expect(hits).toBe(0);
    } finally {
      receiver.close();
    }
  });
});

describe('batch worker crash', () => {
  const env = { LOCK_DURATION_MS: '1000', STALLED_INTERVAL_MS: '300' };
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env });
  });
  afterAll(async () => {
    await killAll();
    await stack?.close();
  });

  it('a chunk whose worker process died mid-request is taken over and the batch completes', async () => {
    const doomed = await startWorkerProcess(stackEnv(stack.emulator, stack.config.QUEUE_PREFIX, env));
    stack.emulator.setOptions({ hang: true });
    const res = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['survives a crash'],
      tgt_langs: ['en'],
      src_lang: 'fr',
    });
    await eventually(async () => stack.emulator.stats().inFlight > 0);
    doomed.kill('SIGKILL');
    await doomed.exited;
    stack.emulator.setOptions({ hang: false });
    await stack.startWorker();
    const done = await finished(stack, res.body.batch_id);
    expect(done).toMatchObject({ status: 'completed', completed: 1, failed: 0 });
    expect(stack.emulator.seenCount('survives a crash')).toBe(2);
    const [item] = await allResults(stack, res.body.batch_id);
    expect(item).toMatchObject({ status: 'completed', tgt_text: '[en] survives a crash' });
  });
});
