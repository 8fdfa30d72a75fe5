/**
 * GET /v1/usage through the real stack with two keys (from a YAML API_KEYS_FILE): each key reads
 * only its own figures; `billed` adds up to the emulator's own count of billed characters exactly;
 * cached repeats, joins and repeats within a batch count as `cached`; bad ranges get 400.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyCharacters as apiKeyCharacters, keyRequests } from '../api/metrics.js';
import { countChars } from '../shared/provider-request/count-chars.js';
import { keyCharacters as workerKeyCharacters } from '../worker/metrics.js';
import { getJson, postJson, startStack, type Stack } from './helpers/stack.js';

const KEY_A = 'usage-key-a-secret';
const KEY_B = 'usage-key-b-secret';
const A = { authorization: `Bearer ${KEY_A}` };
const B = { 'x-api-key': KEY_B };
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface Totals {
  requests: number;
  submitted: number;
  billed: number;
  cached: number;
}

const today = () => new Date().toISOString().slice(0, 10);

/** A key's usage from `from` to today, summed (a test run may cross midnight UTC). */
async function usageSince(stack: Stack, headers: Record<string, string>, from: string) {
  const res = await getJson(`${stack.url}/v1/usage?from=${from}&to=${today()}`, headers);
  expect(res.status).toBe(200);
  const totals: Totals = { requests: 0, submitted: 0, billed: 0, cached: 0 };
  for (const day of res.body.days as { requests: number; characters: Omit<Totals, 'requests'> }[]) {
    totals.requests += day.requests;
    totals.submitted += day.characters.submitted;
    totals.billed += day.characters.billed;
    totals.cached += day.characters.cached;
  }
  return { key: res.body.key as string, totals };
}

/** A counter's value for `labels` in this process (API and worker run here). */
async function counter(
  metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value ?? 0;
}

describe('GET /v1/usage with two keys', () => {
  let stack: Stack;
  const dir = mkdtempSync(join(tmpdir(), 'usage-'));
  beforeAll(async () => {
    const file = join(dir, 'keys.yaml');
    writeFileSync(
      file,
      [
        'keys:',
        '  - name: app-a',
        `    secret: sha256:${sha256(KEY_A)}`,
        '  - name: app-b',
        `    secret: sha256:${sha256(KEY_B)}`,
        '',
      ].join('\n'),
    );
    stack = await startStack({ env: { API_KEYS_FILE: file } });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts requests and characters exactly: billed matches the emulator, repeats are cached', async () => {
    const from = today();
    stack.emulator.resetStats();
    const metricsBefore = {
      requests: await counter(keyRequests, { key: 'app-a' }),
      submitted: await counter(apiKeyCharacters, { key: 'app-a', kind: 'submitted' }),
      cached: await counter(apiKeyCharacters, { key: 'app-a', kind: 'cached' }),
      billed: await counter(workerKeyCharacters, { key: 'app-a', kind: 'billed' }),
    };

    // A: one text translated, then asked again (cache).
    const text = 'Grüße 👋 aus Köln';
    const c = countChars(text);
    expect(c).toBe(16);
    const request = { src_text: text, tgt_lang: 'en', src_lang: 'de' };
    const first = await postJson(`${stack.url}/v1/translate`, request, A);
    expect(first.status).toBe(200);
    const again = await postJson(`${stack.url}/v1/translate`, request, A);
    expect([again.status, again.body.cached]).toEqual([200, true]);
    // A: two identical texts at once: one is translated, the other joins it or finds the cache.
    const twin = { src_text: 'at the same time', tgt_lang: 'fr', src_lang: 'en' };
    const twins = await Promise.all([
      postJson(`${stack.url}/v1/translate`, twin, A),
      postJson(`${stack.url}/v1/translate`, twin, A),
    ]);
    expect(twins.map((r) => r.status)).toEqual([200, 200]);
    // A: a batch of 6 items; 'eins' is repeated, so each language translates 2 distinct texts.
    const batch = await postJson(
      `${stack.url}/v1/batches`,
      { src_texts: ['eins', 'zwei', 'eins'], tgt_langs: ['en', 'fr'], src_lang: 'de' },
      { ...A, Prefer: 'wait=10' },
    );
    expect([batch.status, batch.body.status]).toEqual([200, 'completed']);
    // B: one text of its own.
    const other = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'hello there', tgt_lang: 'ja', src_lang: 'en' },
      B,
    );
    expect(other.status).toBe(200);

    const t = countChars('at the same time');
    const a = await usageSince(stack, A, from);
    expect(a).toEqual({
      key: 'app-a',
      totals: {
        requests: 2 + 2 + 6,
        submitted: 2 * c + 2 * t + 2 * 12,
        billed: c + t + 2 * 8,
        cached: c + t + 2 * 4,
      },
    });
    const b = await usageSince(stack, B, from);
    expect(b).toEqual({ key: 'app-b', totals: { requests: 1, submitted: 11, billed: 11, cached: 0 } });
    // What the provider billed, to the character, is what the keys were billed.
    expect(stack.emulator.stats().characters).toBe(a.totals.billed + b.totals.billed);

    // The same figures, by key, on /metrics.
    expect({
      requests: (await counter(keyRequests, { key: 'app-a' })) - metricsBefore.requests,
      submitted:
        (await counter(apiKeyCharacters, { key: 'app-a', kind: 'submitted' })) - metricsBefore.submitted,
      cached: (await counter(apiKeyCharacters, { key: 'app-a', kind: 'cached' })) - metricsBefore.cached,
      billed: (await counter(workerKeyCharacters, { key: 'app-a', kind: 'billed' })) - metricsBefore.billed,
    }).toEqual(a.totals);
  });

  it('billed is what the provider was sent for protected texts: prepared html, segments, strict retries', async () => {
    const from = today();
    const before = {
      a: (await usageSince(stack, A, from)).totals,
      b: (await usageSince(stack, B, from)).totals,
    };
    stack.emulator.resetStats();
    const sync = async (body: Record<string, unknown>, headers: Record<string, string>) =>
      postJson(`${stack.url}/v1/translate`, { tgt_lang: 'fr', src_lang: 'en', ...body }, headers);

    // A, sync: placeholders auto (sent as escaped html with translate="no" spans), markdown (prose
    // segments only), and a strict retry forced by dropping the protected spans once.
    const placeholders = 'Hello {name}, you have %d new messages & more';
    const markdown = ['# Usage notes', '', 'Read `the docs` at [our site](https://example.com/x).', ''].join(
      '\n',
    );
    const retried = 'Dear {user}, welcome back';
    expect((await sync({ src_text: placeholders, placeholders: 'auto' }, A)).status).toBe(200);
    expect((await sync({ src_text: markdown, format: 'markdown' }, A)).status).toBe(200);
    stack.emulator.dropProtectedSpans(1);
    const retry = await sync({ src_text: retried, placeholders: ['braces'] }, A);
    expect([retry.status, retry.body.qa]).toEqual([200, { ok: true }]);
    // B, a batch (the chunk path) whose first provider request loses its spans: every item is retried.
    stack.emulator.dropProtectedSpans(1);
    const batchTexts = ['Pay ${amount} now', 'Send %s to {team}'];
    const batch = await postJson(
      `${stack.url}/v1/batches`,
      { src_texts: batchTexts, tgt_langs: ['de'], src_lang: 'en', placeholders: 'auto' },
      { ...B, Prefer: 'wait=10' },
    );
    expect([batch.status, batch.body.status]).toEqual([200, 'completed']);
    // B, sync, failing its checks twice: unsafe_output, yet both attempts were sent and billed.
    stack.emulator.dropProtectedSpans(2);
    const unsafe = await sync({ src_text: 'Bye {name}', placeholders: ['braces'] }, B);
    expect([unsafe.status, unsafe.body.error.code]).toEqual([502, 'unsafe_output']);

    const a = (await usageSince(stack, A, from)).totals;
    const b = (await usageSince(stack, B, from)).totals;
    const billedA = a.billed - before.a.billed;
    const billedB = b.billed - before.b.billed;
    const submittedA = [placeholders, markdown, retried].reduce((n, t) => n + countChars(t), 0);
    expect([a.requests - before.a.requests, a.submitted - before.a.submitted]).toEqual([3, submittedA]);
    expect([b.requests - before.b.requests, b.submitted - before.b.submitted]).toEqual([
      3,
      countChars(batchTexts.join('')) + countChars('Bye {name}'),
    ]);
    // What the provider billed, to the character, is what the keys were billed; it is not what the
    // keys submitted (html markup added, Markdown code and URLs left out, retries sent twice).
    expect(billedA + billedB).toBe(stack.emulator.stats().characters);
    expect(billedA).not.toBe(submittedA);
    expect(billedB).toBeGreaterThan(2 * countChars('Bye {name}'));
  });

  it('lists every day of the range, oldest first, zeros for a day without use', async () => {
    const res = await getJson(`${stack.url}/v1/usage?from=2020-02-28&to=2020-03-01`, B);
    expect([res.status, res.body]).toEqual([
      200,
      {
        key: 'app-b',
        days: ['2020-02-28', '2020-02-29', '2020-03-01'].map((date) => ({
          date,
          requests: 0,
          characters: { submitted: 0, billed: 0, cached: 0 },
        })),
      },
    ]);
    const recent = await getJson(`${stack.url}/v1/usage`, B);
    expect(recent.body.days).toHaveLength(30);
    expect(recent.body.days.at(-1).date).toBe(today());
  });

  it('400 validation_failed for a bad date, from after to, a range over 90 days, an unknown parameter', async () => {
    const bad = async (query: string) => {
      const res = await getJson(`${stack.url}/v1/usage?${query}`, A);
      return [res.status, res.body];
    };
    const refused = (path: string, message: string) => [
      400,
      {
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [{ path, message }],
        },
      },
    ];
    expect(await bad('from=2026-02-30')).toEqual(refused('query.from', 'must be a real calendar date'));
    expect(await bad('to=yesterday')).toEqual(refused('query.to', 'must be a date: YYYY-MM-DD'));
    expect(await bad('from=2026-03-02&to=2026-03-01')).toEqual(
      refused('query.from', 'must not be after `to`'),
    );
    expect(await bad('from=2026-01-01&to=2026-04-01')).toEqual(
      refused('query', 'covers 91 days; at most 90 are allowed (usage is kept 90 days)'),
    );
    expect(await bad('key=app-b')).toEqual(refused('query', 'Unrecognized key: "key"'));
  });

  it('needs a key; another method gets 405', async () => {
    const res = await getJson(`${stack.url}/v1/usage`);
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized']);
    const post = await postJson(`${stack.url}/v1/usage`, {}, A);
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
  });
});

describe('GET /v1/usage in open mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('reports under the key "open"', async () => {
    const from = today();
    await postJson(`${stack.url}/v1/translate`, { src_text: 'open text', tgt_lang: 'de', src_lang: 'en' });
    expect(await usageSince(stack, {}, from)).toEqual({
      key: 'open',
      totals: { requests: 1, submitted: 9, billed: 9, cached: 0 },
    });
  });
});
