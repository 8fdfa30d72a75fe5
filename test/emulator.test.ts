/**
 * The Translation v2 emulator, driven by the real `@google-cloud/translate` client: if the client
 * sees the emulator's answers (and errors) the way it sees Google's, so will the worker.
 */
import { v2 } from '@google-cloud/translate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import { EmulatorOptionsError } from '../emulator/emulator-options.js';

const KEY = 'test-key';

/** The client reads GOOGLE_CLOUD_TRANSLATE_ENDPOINT in its constructor only. */
function clientFor(emulator: Emulator, key = KEY): v2.Translate {
  const previous = process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'];
  process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'] = emulator.endpoint;
  try {
    return new v2.Translate({ key, autoRetry: false });
  } finally {
    if (previous === undefined) delete process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'];
    else process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'] = previous;
  }
}

interface ClientError {
  code: number;
  message: string;
  errors: Array<{ reason: string; message: string }>;
}

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (err) {
    return err as ClientError;
  }
  throw new Error('expected the call to fail');
}

let emulator: Emulator;
let client: v2.Translate;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, apiKey: KEY });
  client = clientFor(emulator);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.setOptions({ latencyMs: 0, faultRate: 0, hang: false, failNext: { count: 0 } });
  emulator.resetStats();
});

describe('translate', () => {
  it('marks the target language on a plain-text round trip', async () => {
    const [text, response] = await client.translate('안녕', { from: 'ko', to: 'en', format: 'text' });
    expect(text).toBe('[en] 안녕');
    expect(response.data.translations[0]).toEqual({ translatedText: '[en] 안녕' });
  });

  it('reports the detected language only when no source is given', async () => {
    const [text, response] = await client.translate('안녕', { to: 'en', format: 'text' });
    expect(text).toBe('[en] 안녕');
    expect(response.data.translations[0].detectedSourceLanguage).toBe('ko');
  });

  it('answers one translation per segment, in order', async () => {
    const [texts] = await client.translate(['하나', '둘', '셋'], { from: 'ko', to: 'en', format: 'text' });
    expect(texts).toEqual(['[en] 하나', '[en] 둘', '[en] 셋']);
  });

  it('knows a few real phrases, and echoes the model when one is asked for', async () => {
    const [[hello, thanks], response] = await client.translate(['안녕하세요', '감사합니다'], {
      from: 'ko',
      to: 'en',
      format: 'text',
      model: 'nmt',
    });
    expect([hello, thanks]).toEqual(['Hello', 'Thank you']);
    expect(response.data.translations[0].model).toBe('nmt');
    const [japanese] = await client.translate('Hello', { to: 'ja', format: 'text' });
    expect(japanese).toBe('こんにちは');
  });

  it('returns text already in the target language unchanged', async () => {
    const [text] = await client.translate('안녕', { from: 'ko', to: 'ko', format: 'text' });
    expect(text).toBe('안녕');
  });

  it('escapes text like Google in html format and leaves it alone in text format', async () => {
    const input = `Tom & Jerry <b>say</b> "hi" it's 1 &lt; 2`;
    const [html] = await client.translate(input, { from: 'en', to: 'ko', format: 'html' });
    expect(html).toBe('[ko] Tom &amp; Jerry <b>say</b> &quot;hi&quot; it&#39;s 1 &lt; 2');
    const [text] = await client.translate(input, { from: 'en', to: 'ko', format: 'text' });
    expect(text).toBe(`[ko] ${input}`);
  });

  it('accepts Google language codes and aliases case-insensitively', async () => {
    const [texts] = await client.translate(['a', 'b', 'c'], { from: 'en', to: 'zh-tw', format: 'text' });
    expect(texts).toEqual(['[zh-tw] a', '[zh-tw] b', '[zh-tw] c']);
    const [hebrew] = await client.translate('שלום', { from: 'he', to: 'iw', format: 'text' });
    expect(hebrew).toBe('שלום');
  });
});

describe('errors the client sees as ApiError', () => {
  it('rejects an unknown target or source with 400 Invalid Value', async () => {
    const target = await failure(client.translate('hi', { to: 'xx', format: 'text' }));
    expect(target.code).toBe(400);
    expect(target.message).toBe('Invalid Value');
    expect(target.errors[0]?.reason).toBe('invalid');
    const source = await failure(client.translate('hi', { from: 'klingon', to: 'en', format: 'text' }));
    expect(source.code).toBe(400);
  });

  it('allows 128 segments and rejects 129', async () => {
    const segments = Array.from({ length: 129 }, (_, i) => `s${i}`);
    const [ok] = await client.translate(segments.slice(0, 128), { from: 'en', to: 'ko', format: 'text' });
    expect(ok).toHaveLength(128);
    const err = await failure(client.translate(segments, { from: 'en', to: 'ko', format: 'text' }));
    expect(err.code).toBe(400);
    expect(err.message).toBe('Too many text segments');
  });

  it('rejects requests over 100 KB of text', async () => {
    const err = await failure(
      client.translate(['가'.repeat(20_000), '나'.repeat(20_000)], { to: 'en', format: 'text' }),
    );
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/payload size exceeds the limit/);
  });

  it('fails the whole request when a segment is the magic reject text, yet records it as seen', async () => {
    const err = await failure(
      client.translate(['fine', '__emulator_reject__'], { to: 'en', format: 'text' }),
    );
    expect(err.code).toBe(400);
    expect(emulator.hasSeen('fine')).toBe(true);
    expect(emulator.stats()).toMatchObject({ requests: 0, segments: 0, rejectedRequests: 1 });
  });

  it('answers 403 without a key and 400 for a wrong key', async () => {
    const missing = await fetch(`${emulator.endpoint}?q=hi&target=en`, { method: 'POST' });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({
      error: { code: 403, errors: [{ reason: 'forbidden', domain: 'global' }] },
    });
    const err = await failure(clientFor(emulator, 'wrong-key').translate('hi', { to: 'en', format: 'text' }));
    expect(err.code).toBe(400);
    expect(err.message).toBe('API key not valid. Please pass a valid API key.');
    expect(err.errors[0]?.reason).toBe('badRequest');
  });

  it('answers 404 for an unknown path', async () => {
    const response = await fetch(`${emulator.url}/language/translate/v3?key=${KEY}`);
    expect(response.status).toBe(404);
  });
});

describe('fault injection', () => {
  it('injects quota faults the client reports with their reason, without billing them', async () => {
    emulator.setOptions({ faultRate: 1, faultKind: '403-quota' });
    const err = await failure(client.translate('hi', { to: 'ko', format: 'text' }));
    expect(err.code).toBe(403);
    expect(err.errors[0]?.reason).toBe('userRateLimitExceeded');
    expect(emulator.stats()).toMatchObject({ faultsInjected: 1, requests: 0, characters: 0 });
    expect(emulator.stats().log[0]).toMatchObject({ status: 403, fault: '403-quota' });
  });

  it('fails exactly the next N requests (set over HTTP)', async () => {
    const set = await fetch(`${emulator.url}/__emulator/options`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: { count: 2, kind: '429' } }),
    });
    expect(await set.json()).toMatchObject({ failNextRemaining: 2 });
    const first = await failure(client.translate('a', { to: 'ko', format: 'text' }));
    expect(first.code).toBe(429);
    expect(first.errors[0]?.reason).toBe('rateLimitExceeded');
    expect((await failure(client.translate('b', { to: 'ko', format: 'text' }))).code).toBe(429);
    const [third] = await client.translate('c', { from: 'en', to: 'ko', format: 'text' });
    expect(third).toBe('[ko] c');
    expect(emulator.stats()).toMatchObject({ faultsInjected: 2, requests: 1 });
  });

  it('answers 503 and 500 with Google bodies', async () => {
    emulator.setOptions({ failNext: { count: 2, kind: '503' } });
    expect((await failure(client.translate('a', { to: 'ko', format: 'text' }))).code).toBe(503);
    emulator.setOptions({ failNext: { count: 1, kind: '500' } });
    const err = await failure(client.translate('a', { to: 'ko', format: 'text' }));
    expect(err.code).toBe(500);
    expect(err.errors[0]?.reason).toBe('backendError');
  });

  it('rejects invalid options with every problem listed', async () => {
    expect(() => emulator.setOptions({ faultRate: 2, faultKind: 'teapot' as never })).toThrow(
      EmulatorOptionsError,
    );
    const response = await fetch(`${emulator.url}/__emulator/options`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: -1 }),
    });
    expect(response.status).toBe(400);
  });

  it('delays answers by latencyMs', async () => {
    emulator.setOptions({ latencyMs: 120 });
    const started = performance.now();
    await client.translate('hi', { from: 'en', to: 'ko', format: 'text' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('counters', () => {
  it('counts requests, segments and billed characters (code points), and logs each request', async () => {
    await client.translate(['ab', '😀c'], { from: 'en', to: 'ko', format: 'text' });
    await client.translate('안녕', { to: 'ja', format: 'html' });
    const stats = emulator.stats();
    expect(stats).toMatchObject({ requests: 2, segments: 3, characters: 6, faultsInjected: 0 });
    expect(stats.log).toEqual([
      expect.objectContaining({
        status: 200,
        target: 'ko',
        source: 'en',
        format: 'text',
        segments: 2,
        characters: 4,
      }),
      expect.objectContaining({ status: 200, target: 'ja', source: null, format: 'html', segments: 1 }),
    ]);
    expect(emulator.seenCount('ab')).toBe(1);
    expect(emulator.hasSeen('never sent')).toBe(false);
  });

  it('serves stats, seen texts and reset over HTTP', async () => {
    await client.translate(['x y', 'x y'], { from: 'en', to: 'ko', format: 'text' });
    const seen = await (await fetch(`${emulator.url}/__emulator/seen?q=${encodeURIComponent('x y')}`)).json();
    expect(seen).toEqual({ q: 'x y', count: 2 });
    const stats = await (await fetch(`${emulator.url}/__emulator/stats`)).json();
    expect(stats).toMatchObject({ requests: 1, segments: 2 });
    await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
    expect(emulator.stats()).toMatchObject({ requests: 0, segments: 0, log: [] });
    expect(emulator.hasSeen('x y')).toBe(false);
  });
});

describe('detect and languages', () => {
  it('detects by script through the client', async () => {
    const [results] = await client.detect(['Привет мир', 'こんにちは世界', '你好世界', 'hello world']);
    expect(results.map((r) => r.language)).toEqual(['ru', 'ja', 'zh-CN', 'en']);
    expect(emulator.stats().detectRequests).toBe(1);
  });

  it('lists languages through the client and raw GET', async () => {
    const [languages] = await client.getLanguages();
    expect(languages).toContainEqual({ code: 'ko', name: 'Korean' });
    expect(languages.length).toBeGreaterThan(100);
    const raw = await fetch(`${emulator.endpoint}/languages?key=${KEY}`);
    const body = (await raw.json()) as { data: { languages: Array<{ language: string; name?: string }> } };
    expect(body.data.languages).toContainEqual({ language: 'zh-TW' });
  });

  it('names languages in the target language where it knows the names, in English otherwise', async () => {
    const [korean] = await client.getLanguages('ko');
    expect(korean).toContainEqual({ code: 'ko', name: '한국어' });
    expect(korean).toContainEqual({ code: 'sw', name: 'Swahili' });
    const refused = await failure(client.getLanguages('xx'));
    expect(refused).toMatchObject({ code: 400, message: 'Invalid Value' });
  });

  it('detect and languages take injected faults like translate', async () => {
    emulator.setOptions({ failNext: { count: 2, kind: '503' } });
    expect(await failure(client.detect('hello'))).toMatchObject({ code: 503 });
    expect(await failure(client.getLanguages('en'))).toMatchObject({ code: 503 });
    expect(emulator.stats()).toMatchObject({ faultsInjected: 2, detectRequests: 0, languagesRequests: 0 });
    const [detected] = await client.detect('plain words');
    expect(detected).toMatchObject({ language: 'en', confidence: 0.7 });
    expect(emulator.stats()).toMatchObject({ detectRequests: 1, detectCharacters: 11 });
  });

  it('accepts form-encoded bodies like Google', async () => {
    const response = await fetch(`${emulator.endpoint}?key=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([
        ['q', '하나'],
        ['q', '둘'],
        ['target', 'en'],
        ['format', 'text'],
      ]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: {
        translations: [
          { translatedText: '[en] 하나', detectedSourceLanguage: 'ko' },
          { translatedText: '[en] 둘', detectedSourceLanguage: 'ko' },
        ],
      },
    });
  });
});

describe('close', () => {
  it('resolves quickly with a hung request and kept-alive sockets', async () => {
    const hung = await createEmulator({ port: 0 });
    hung.setOptions({ hang: true });
    const pending = fetch(`${hung.endpoint}?key=k`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'stuck', target: 'en' }),
    }).then(
      () => 'answered',
      () => 'failed',
    );
    while (hung.stats().faultsInjected === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(hung.stats().inFlight).toBe(1);
    const started = performance.now();
    await hung.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await pending).toBe('failed');
  });
});
