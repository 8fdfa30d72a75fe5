/**
 * Malformed requests across every endpoint: each gets its documented 4xx status and error code as
 * JSON (never a stack trace), nothing reaches the queue, and the service still serves afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, type Stack } from './helpers/stack.js';

const UUID = '0b9c6f0e-8f4c-4b7e-9a57-2f5f2f6a1c3d';
const JOB = `${UUID}.0`;
const ok = { src_text: 'hi', tgt_lang: 'en' };

interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  status: number;
  code: string;
}

const json = { 'content-type': 'application/json' };
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const CASES: Case[] = [
  // POST /v1/translate: the body
  { name: 'invalid JSON', path: '/v1/translate', body: '{src_text: hi}', status: 400, code: 'invalid_json' },
  {
    name: 'truncated JSON',
    path: '/v1/translate',
    body: '{"src_text": "hi", "tgt',
    status: 400,
    code: 'invalid_json',
  },
  { name: 'JSON null', path: '/v1/translate', body: 'null', status: 400, code: 'invalid_json' },
  { name: 'JSON string', path: '/v1/translate', body: '"hello"', status: 400, code: 'invalid_json' },
  { name: 'empty body', path: '/v1/translate', body: '', status: 400, code: 'validation_failed' },
  { name: 'array body', path: '/v1/translate', body: [ok], status: 400, code: 'validation_failed' },
  {
    name: 'missing src_text',
    path: '/v1/translate',
    body: { tgt_lang: 'en' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'missing tgt_lang',
    path: '/v1/translate',
    body: { src_text: 'hi' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'extra field',
    path: '/v1/translate',
    body: { ...ok, priority: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'number text',
    path: '/v1/translate',
    body: { ...ok, src_text: 42 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'array text',
    path: '/v1/translate',
    body: { ...ok, src_text: ['hi'] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'null text',
    path: '/v1/translate',
    body: { ...ok, src_text: null },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'empty text',
    path: '/v1/translate',
    body: { ...ok, src_text: '' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'text over MAX_TEXT_CHARS',
    path: '/v1/translate',
    body: { ...ok, src_text: 'x'.repeat(101) },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'NUL byte',
    path: '/v1/translate',
    body: '{"src_text":"a\\u0000b","tgt_lang":"en"}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'lone surrogate',
    path: '/v1/translate',
    body: '{"src_text":"a\\ud800b","tgt_lang":"en"}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'invalid target language',
    path: '/v1/translate',
    body: { ...ok, tgt_lang: 'english' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'language with a trailing hyphen',
    path: '/v1/translate',
    body: { ...ok, tgt_lang: 'en-' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'language with spaces',
    path: '/v1/translate',
    body: { ...ok, tgt_lang: 'e n' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'number language',
    path: '/v1/translate',
    body: { ...ok, tgt_lang: 7 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'invalid source language',
    path: '/v1/translate',
    body: { ...ok, src_lang: 'auto ' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'unknown format',
    path: '/v1/translate',
    body: { ...ok, format: 'HTML' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '__proto__ key',
    path: '/v1/translate',
    body: '{"__proto__":{"admin":true},"src_text":"hi","tgt_lang":"en"}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'constructor key',
    path: '/v1/translate',
    body: '{"constructor":{"prototype":{}},"src_text":"hi","tgt_lang":"en"}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'deeply nested JSON',
    path: '/v1/translate',
    body: `{"src_text":${nested(500)},"tgt_lang":"en"}`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'huge number',
    path: '/v1/translate',
    body: '{"src_text":1e999,"tgt_lang":"en"}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'body over MAX_BODY_BYTES',
    path: '/v1/translate',
    body: { ...ok, src_text: 'x'.repeat(5000) },
    status: 413,
    code: 'payload_too_large',
  },
  // POST /v1/translate: the headers
  {
    name: 'text/plain',
    path: '/v1/translate',
    headers: { 'content-type': 'text/plain' },
    body: 'hello',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form-encoded',
    path: '/v1/translate',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'src_text=hi&tgt_lang=en',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'JSON in latin1',
    path: '/v1/translate',
    headers: { 'content-type': 'application/json; charset=latin1' },
    body: ok,
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'unknown content encoding',
    path: '/v1/translate',
    headers: { ...json, 'content-encoding': 'zstd-ish' },
    body: ok,
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'Prefer wait not a number',
    path: '/v1/translate',
    headers: { ...json, prefer: 'wait=soon' },
    body: ok,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'Prefer negative wait',
    path: '/v1/translate',
    headers: { ...json, prefer: 'wait=-1' },
    body: ok,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'Prefer wait in exponent form',
    path: '/v1/translate',
    headers: { ...json, prefer: 'wait=1e9' },
    body: ok,
    status: 400,
    code: 'validation_failed',
  },
  // Methods and routes
  {
    name: 'GET /v1/translate',
    method: 'GET',
    path: '/v1/translate',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'DELETE /v1/translate',
    method: 'DELETE',
    path: '/v1/translate',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'PUT a job',
    method: 'PUT',
    path: `/v1/jobs/${JOB}`,
    body: ok,
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'PATCH /v1/batches',
    method: 'PATCH',
    path: '/v1/batches',
    body: {},
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'POST a batch id',
    method: 'POST',
    path: `/v1/batches/${UUID}`,
    body: {},
    status: 405,
    code: 'method_not_allowed',
  },
  { name: 'unknown route', method: 'GET', path: '/v2/translate', status: 404, code: 'not_found' },
  {
    name: 'unknown /v1 route',
    method: 'POST',
    path: '/v1/translations',
    body: ok,
    status: 404,
    code: 'not_found',
  },
  { name: 'POST /healthz', method: 'POST', path: '/healthz', body: {}, status: 404, code: 'not_found' },
  // Ids
  { name: 'job id not a UUID', method: 'GET', path: '/v1/jobs/123', status: 404, code: 'not_found' },
  {
    name: 'job id with path traversal',
    method: 'GET',
    path: '/v1/jobs/..%2F..%2Fetc%2Fpasswd',
    status: 404,
    code: 'not_found',
  },
  { name: 'job id with NUL', method: 'GET', path: '/v1/jobs/%00', status: 404, code: 'not_found' },
  {
    name: 'job id in upper case',
    method: 'GET',
    path: `/v1/jobs/${JOB.toUpperCase()}`,
    status: 404,
    code: 'not_found',
  },
  { name: 'unknown job', method: 'GET', path: `/v1/jobs/${JOB}`, status: 404, code: 'not_found' },
  { name: 'batch id not a UUID', method: 'GET', path: '/v1/batches/abc', status: 404, code: 'not_found' },
  { name: 'unknown batch', method: 'GET', path: `/v1/batches/${UUID}`, status: 404, code: 'not_found' },
  {
    name: 'results of a bad batch id',
    method: 'GET',
    path: '/v1/batches/abc/results',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'events of a bad batch id',
    method: 'GET',
    path: '/v1/batches/abc/events',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'cancel of a bad batch id',
    method: 'DELETE',
    path: '/v1/batches/abc',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'negative results offset',
    method: 'GET',
    path: `/v1/batches/${UUID}/results?offset=-1`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'results limit not a number',
    method: 'GET',
    path: `/v1/batches/${UUID}/results?limit=all`,
    status: 400,
    code: 'validation_failed',
  },
  // POST /v1/batches
  {
    name: 'batch: invalid JSON',
    path: '/v1/batches',
    body: '{"items": [',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'batch: neither form',
    path: '/v1/batches',
    body: { texts: ['a'] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: both forms',
    path: '/v1/batches',
    body: { items: [ok], src_texts: ['a'], tgt_langs: ['en'] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: no items',
    path: '/v1/batches',
    body: { items: [] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: items not an array',
    path: '/v1/batches',
    body: { items: ok },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: a bad item',
    path: '/v1/batches',
    body: { items: [ok, { ...ok, tgt_lang: '??' }] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: item with NUL',
    path: '/v1/batches',
    body: '{"items":[{"src_text":"\\u0000","tgt_lang":"en"}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: item text too long',
    path: '/v1/batches',
    body: { items: [{ ...ok, src_text: 'y'.repeat(101) }] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: no target languages',
    path: '/v1/batches',
    body: { src_texts: ['a'], tgt_langs: [] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: bad callback URL',
    path: '/v1/batches',
    body: { items: [ok], callback_url: 'ftp://example.com/x' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: __proto__ item key',
    path: '/v1/batches',
    body: '{"items":[{"__proto__":{"x":1},"src_text":"a","tgt_lang":"en"}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: too many items',
    path: '/v1/batches',
    body: { items: Array.from({ length: 6 }, () => ok) },
    status: 413,
    code: 'batch_too_large',
  },
  {
    name: 'batch: texts × languages too many',
    path: '/v1/batches',
    body: { src_texts: ['a', 'b', 'c'], tgt_langs: ['en', 'fr'] },
    status: 413,
    code: 'batch_too_large',
  },
  {
    name: 'batch: body over its limit',
    path: '/v1/batches',
    body: { src_texts: ['z'.repeat(9000)], tgt_langs: ['en'] },
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'batch: bad Idempotency-Key',
    path: '/v1/batches',
    headers: { ...json, 'idempotency-key': 'has space' },
    body: { items: [ok] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: bad Prefer',
    path: '/v1/batches',
    headers: { ...json, prefer: 'wait=forever' },
    body: { items: [ok] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'batch: text/plain',
    path: '/v1/batches',
    headers: { 'content-type': 'text/plain' },
    body: 'a\nb',
    status: 415,
    code: 'unsupported_media_type',
  },
];

describe('bad input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      workers: 0,
      env: {
        MAX_BODY_BYTES: '4096',
        MAX_TEXT_CHARS: '100',
        MAX_BATCH_ITEMS: '5',
        MAX_BATCH_BODY_BYTES: '8192',
      },
    });
  });
  afterAll(() => stack?.close());

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$name → $status $code', async (c) => {
    const method = c.method ?? 'POST';
    const res = await fetch(`${stack.url}${c.path}`, {
      method,
      headers: c.headers ?? (c.body === undefined ? {} : json),
      ...(c.body === undefined ? {} : { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }),
    });
    const text = await res.text();
    expect({ status: res.status, text }).toMatchObject({ status: c.status });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(c.code);
    expect(typeof body.error.message).toBe('string');
    expect(text).not.toMatch(/at .*\.(ts|js):\d+|node_modules|stack/);
  });

  it('queued nothing, and still translates normally after the whole table', async () => {
    expect(await stack.api.queue.count()).toBe(0);
    await stack.startWorker();
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: 'still fine',
      tgt_lang: 'de',
      src_lang: 'en',
    });
    expect(res).toMatchObject({ status: 200, body: { tgt_text: '[de] still fine' } });
  });
});
