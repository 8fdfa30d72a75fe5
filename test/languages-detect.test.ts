/**
 * GET /v1/languages and POST /v1/detect through the real stack: the API queues a `provider-info`
 * job, a worker calls the emulator through the real Google client, the API waits for the job.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { responseChecker, type OpenApiDoc } from './helpers/openapi-responses.js';
import { getJson, postJson, startStack, type HttpResult, type Stack } from './helpers/stack.js';

const KEY = 'languages-test-key-1';
const OTHER_KEY = 'languages-test-key-2';
const auth = (key = KEY) => ({ authorization: `Bearer ${key}` });

const invalid = (...details: { path: string; message: string }[]) => ({
  error: { code: 'validation_failed', message: 'The request is not valid.', details },
});

describe('languages and detection', () => {
  let stack: Stack;
  let checker: ReturnType<typeof responseChecker>;
  const languages = (query = '', key = KEY) => getJson(`${stack.url}/v1/languages${query}`, auth(key));
  const detect = (body: unknown, key = KEY) => postJson(`${stack.url}/v1/detect`, body, auth(key));
  const documented = (method: string, path: string, res: HttpResult) =>
    expect(checker.check(method, path, res.status, res.body, res.headers.get('content-type'))).toEqual([]);

  beforeAll(async () => {
    stack = await startStack({
      env: { API_KEYS: `${KEY},${OTHER_KEY}`, JOB_ATTEMPTS: '2', MAX_TEXT_CHARS: '50' },
    });
    checker = responseChecker((await getJson(`${stack.url}/openapi.json`)).body as OpenApiDoc);
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.emulator.resetStats());

  it('lists languages with names in the target language, then serves the list from the cache', async () => {
    const first = await languages('?target=ko');
    expect(first.status).toBe(200);
    documented('get', '/v1/languages', first);
    expect(first.body.languages).toContainEqual({ code: 'ko', name: '한국어' });
    expect(first.body.languages).toContainEqual({ code: 'en', name: '영어' });
    expect(first.body.languages.length).toBeGreaterThan(100);
    expect(stack.emulator.stats().languagesRequests).toBe(1);

    // Served from Redis: the provider is not asked again, whichever tenant asks.
    const again = await languages('?target=ko');
    const otherTenant = await languages('?target=KO', OTHER_KEY);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(otherTenant).toMatchObject({ status: 200, body: first.body });
    expect(stack.emulator.stats().languagesRequests).toBe(1);

    // Another target is another list.
    const german = await languages('?target=de');
    expect(german.body.languages).toContainEqual({ code: 'ko', name: 'Koreanisch' });
    expect(stack.emulator.stats().languagesRequests).toBe(2);
  });

  it('names languages in English without a target; concurrent misses share one provider call', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => languages()));
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body.languages).toContainEqual({ code: 'ko', name: 'Korean' });
    }
    expect(stack.emulator.stats().languagesRequests).toBe(1);
    // "en" is the default target: the same cached list.
    expect((await languages('?target=en')).body).toEqual(answers[0]!.body);
    expect(stack.emulator.stats().languagesRequests).toBe(1);
  });

  it('refuses a malformed target, unknown query parameters and a target the provider rejects', async () => {
    const malformed = await languages('?target=english!');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(
      invalid({ path: 'query.target', message: 'must be a language code like "en", "pt-BR" or "zh-TW"' }),
    );
    documented('get', '/v1/languages', malformed);
    const unknown = await languages('?lang=ko');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(invalid({ path: 'query', message: 'Unrecognized key: "lang"' }));
    const rejected = await languages('?target=xx');
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual({
      error: { code: 'unsupported_language', message: 'The provider does not support this language.' },
    });
    documented('get', '/v1/languages', rejected);
  });

  it('detects the language of one text', async () => {
    const res = await detect({ src_text: '안녕하세요' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ language: 'ko', confidence: 1 });
    documented('post', '/v1/detect', res);
    expect(stack.emulator.stats()).toMatchObject({ detectRequests: 1, detectCharacters: 5 });
  });

  it('detects the languages of many texts, in order', async () => {
    const texts = ['Привет мир', 'こんにちは世界', 'hello world', '你好世界', '12345'];
    const res = await detect({ src_texts: texts });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      detections: [
        { language: 'ru', confidence: 1 },
        { language: 'ja', confidence: 1 },
        { language: 'en', confidence: 0.7 },
        { language: 'zh-CN', confidence: 1 },
        { language: 'en', confidence: 0.2 },
      ],
    });
    documented('post', '/v1/detect', res);
    // 128 texts of 50 characters: 6,400 characters, two provider requests under
    // PROVIDER_BATCH_MAX_CHARS (5,000); the answers keep the texts' order.
    const many = Array.from({ length: 128 }, (_, i) => (i % 2 ? '가'.repeat(50) : 'б'.repeat(50)));
    const big = await detect({ src_texts: many });
    expect(big.status).toBe(200);
    expect(big.body.detections.map((d: { language: string }) => d.language)).toEqual(
      many.map((_, i) => (i % 2 ? 'ko' : 'ru')),
    );
    expect(stack.emulator.stats().detectRequests).toBe(1 + 2);
  });

  it('refuses bad bodies with exact errors', async () => {
    const exactlyOne = invalid({ path: 'body', message: 'give exactly one of src_text and src_texts' });
    const cases: [unknown, unknown][] = [
      [{}, exactlyOne],
      [{ src_text: 'a', src_texts: ['b'] }, exactlyOne],
      [{ src_text: '' }, invalid({ path: 'body.src_text', message: 'must not be empty' })],
      [
        { src_text: 'x'.repeat(51) },
        invalid({ path: 'body.src_text', message: 'must be at most 50 characters' }),
      ],
      [{ src_texts: [] }, invalid({ path: 'body.src_texts', message: 'must hold at least one text' })],
      [
        { src_texts: Array(129).fill('x') },
        invalid({ path: 'body.src_texts', message: 'must hold at most 128 texts' }),
      ],
      [
        { src_texts: ['ok', 7] },
        invalid({ path: 'body.src_texts.1', message: 'Invalid input: expected string, received number' }),
      ],
      [{ src_text: 'a', tgt_lang: 'en' }, invalid({ path: 'body', message: 'Unrecognized key: "tgt_lang"' })],
      [['a'], invalid({ path: 'body', message: 'expected a JSON object' })],
    ];
    for (const [body, expected] of cases) {
      const res = await detect(body);
      expect({ body, status: res.status, answer: res.body }).toEqual({ body, status: 400, answer: expected });
      documented('post', '/v1/detect', res);
    }
    const notJson = await detect('{"src_text":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');
    const wrongMethod = await getJson(`${stack.url}/v1/detect`, auth());
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    // Nothing reached the provider.
    expect(stack.emulator.stats().detectRequests).toBe(0);
  });

  it('requires an API key like every /v1 route', async () => {
    const noKey = await postJson(`${stack.url}/v1/detect`, { src_text: 'x' });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error.code).toBe('unauthorized');
    expect((await getJson(`${stack.url}/v1/languages`)).status).toBe(401);
  });

  it('a provider failing on every attempt answers 502 provider_error', async () => {
    stack.emulator.setOptions({ failNext: { count: 2, kind: '503' } });
    const res = await detect({ src_text: 'échoue' });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: { code: 'provider_error', message: 'The provider failed (503).' } });
    documented('post', '/v1/detect', res);
    expect(stack.emulator.stats()).toMatchObject({ faultsInjected: 2, detectRequests: 0 });

    // One failed attempt is retried by the queue: the client sees the answer.
    stack.emulator.setOptions({ failNext: { count: 1, kind: '500' } });
    const retried = await languages('?target=fr');
    expect(retried.status).toBe(200);
    expect(stack.emulator.stats()).toMatchObject({ faultsInjected: 3, languagesRequests: 1 });
  });
});

describe('languages and detection: budget and waits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { DAILY_CHAR_BUDGET: '100', SYNC_WAIT_MS: '300', JOB_ATTEMPTS: '1', PROVIDER_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(() => stack?.close());

  it('detected characters count against DAILY_CHAR_BUDGET', async () => {
    const first = await postJson(`${stack.url}/v1/detect`, { src_texts: ['a'.repeat(60)] });
    expect(first.status).toBe(200);
    const over = await postJson(`${stack.url}/v1/detect`, { src_text: 'b'.repeat(60) });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('budget_exhausted');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(stack.emulator.stats().detectRequests).toBe(1);
  });

  it('a provider that does not answer within SYNC_WAIT_MS: 503 unavailable, never a 202', async () => {
    stack.emulator.setOptions({ hang: true });
    try {
      const res = await getJson(`${stack.url}/v1/languages?target=ja`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: { code: 'unavailable', message: 'The provider did not answer in time; retry.' },
      });
      expect(res.headers.get('retry-after')).toBe('1');
    } finally {
      stack.emulator.setOptions({ hang: false });
    }
  });
});
