/** Each error code of the core contract, with its exact body, through the running API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, type Stack } from './helpers/stack.js';

describe('error responses', () => {
  let stack: Stack;
  let translate: string;
  beforeAll(async () => {
    stack = await startStack({ env: { MAX_BODY_BYTES: '2048', MAX_TEXT_CHARS: '100' } });
    translate = `${stack.url}/v1/translate`;
  });
  afterAll(() => stack?.close());

  it('400 validation_failed lists every problem with its path', async () => {
    const res = await postJson(translate, { src_text: '', tgt_lang: 'english!', src_lang: 7, extra: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['body', 'body.src_lang', 'body.src_text', 'body.tgt_lang']);
    for (const d of res.body.error.details) expect(typeof d.message).toBe('string');
  });

  it.each([
    ['missing fields', {}],
    ['text too long', { src_text: 'x'.repeat(101), tgt_lang: 'en' }],
    ['language code with spaces', { src_text: 'hi', tgt_lang: 'e n' }],
    ['one-letter language', { src_text: 'hi', tgt_lang: 'e' }],
    ['eleven-character language', { src_text: 'hi', tgt_lang: 'abcdefghijk' }],
    ['bad format', { src_text: 'hi', tgt_lang: 'en', format: 'pdf' }],
    ['NUL byte', { src_text: 'a\u0000b', tgt_lang: 'en' }],
    ['lone surrogate', { src_text: 'a\ud800b', tgt_lang: 'en' }],
    ['array body', [{ src_text: 'hi', tgt_lang: 'en' }]],
    ['number text', { src_text: 42, tgt_lang: 'en' }],
  ])('400 validation_failed: %s', async (_name, body) => {
    const res = await postJson(translate, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('400 invalid_json for a body that does not parse', async () => {
    const res = await postJson(translate, '{"src_text": "hi", ');
    expect(res).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json', message: expect.any(String) } },
    });
  });

  it('415 unsupported_media_type for a body that is not JSON', async () => {
    const res = await fetch(translate, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const none = await fetch(translate, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(none.status).toBe(415);
  });

  it('413 payload_too_large over MAX_BODY_BYTES', async () => {
    const res = await postJson(translate, { src_text: 'x'.repeat(4000), tgt_lang: 'en' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('404 not_found for an unknown route, 405 for a wrong method', async () => {
    const res = await getJson(`${stack.url}/v2/nothing`);
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const wrong = await getJson(translate);
    expect(wrong).toMatchObject({ status: 405, body: { error: { code: 'method_not_allowed' } } });
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('400 validation_failed for a malformed Prefer wait', async () => {
    const res = await postJson(translate, { src_text: 'hi', tgt_lang: 'en' }, { Prefer: 'wait=soon' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('headers.prefer');
  });

  it('still serves normally after all of that', async () => {
    const res = await postJson(translate, { src_text: 'fine', tgt_lang: 'ko', src_lang: 'en' });
    expect(res).toMatchObject({ status: 200, body: { tgt_text: '[ko] fine' } });
  });
});
