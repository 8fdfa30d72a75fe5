/**
 * /v1/glossaries through the real API and Redis with two API keys: create, replace, read, list and
 * delete; every validation rule with its exact 400 body; a 10,000-entry glossary fits its body
 * limit; another key sees none of it (404), and may have a glossary of the same name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOSSARY_BODY_LIMIT_BYTES } from '../shared/glossaries/glossary-schema.js';
import { responseChecker, type OpenApiDoc } from './helpers/openapi-responses.js';
import { getJson, startStack, type HttpResult, type Stack } from './helpers/stack.js';

const KEY_A = 'glossary-a-secret-key';
const KEY_B = 'glossary-b-secret-key';
const A = { authorization: `Bearer ${KEY_A}` };
const B = { authorization: `Bearer ${KEY_B}` };

async function send(
  method: 'PUT' | 'DELETE' | 'POST',
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<HttpResult> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const glossary = (entries: { source: string; target: string }[], extra: Record<string, unknown> = {}) => ({
  src_lang: 'en',
  tgt_lang: 'ko',
  entries,
  ...extra,
});
const BUCKETS = [
  { source: 'Acme Cloud', target: 'Acme Cloud' },
  { source: 'bucket', target: '버킷' },
];
const invalid = (details: { path: string; message: string }[]) => ({
  error: { code: 'validation_failed', message: 'The request is not valid.', details },
});
const notFound = (name: string) => ({
  error: { code: 'not_found', message: `No glossary named "${name}".` },
});
const VERSION = /^[0-9a-f]{32}$/;

describe('glossaries', () => {
  let stack: Stack;
  let url: string;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { API_KEYS: `${KEY_A},${KEY_B}` } });
    url = `${stack.url}/v1/glossaries`;
  });
  afterAll(() => stack?.close());

  it('PUT creates (201), replaces (200); GET, list and DELETE (204) follow; the version follows the content', async () => {
    const created = await send('PUT', `${url}/cloud-terms`, A, glossary(BUCKETS));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/glossaries/cloud-terms');
    expect(created.body).toEqual({
      name: 'cloud-terms',
      version: expect.stringMatching(VERSION),
      src_lang: 'en',
      tgt_lang: 'ko',
      case_sensitive: false,
      entry_count: 2,
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const v1 = created.body.version as string;

    const same = await send('PUT', `${url}/cloud-terms`, A, glossary(BUCKETS));
    expect([same.status, same.body.version]).toEqual([200, v1]);

    const edited = glossary([...BUCKETS, { source: 'storage bucket', target: '스토리지 버킷' }]);
    const replaced = await send('PUT', `${url}/cloud-terms`, A, edited);
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'cloud-terms', entry_count: 3 });
    const v2 = replaced.body.version as string;
    expect(v2).toMatch(VERSION);
    expect(v2).not.toBe(v1);
    // Case sensitivity changes what matches, so it changes the version too.
    const cased = await send('PUT', `${url}/cloud-terms`, A, { ...edited, case_sensitive: true });
    expect(cased.body.version).not.toBe(v2);
    const back = await send('PUT', `${url}/cloud-terms`, A, edited);
    expect(back.body.version).toBe(v2);

    const read = await getJson(`${url}/cloud-terms`, A);
    expect([read.status, read.body]).toEqual([
      200,
      { ...replaced.body, updated_at: back.body.updated_at, entries: edited.entries },
    ]);

    await send('PUT', `${url}/a.second_one`, A, glossary(BUCKETS.slice(1), { tgt_lang: 'ja' }));
    const list = await getJson(url, A);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      glossaries: [
        {
          name: 'a.second_one',
          version: expect.stringMatching(VERSION),
          src_lang: 'en',
          tgt_lang: 'ja',
          case_sensitive: false,
          entry_count: 1,
          updated_at: expect.any(String),
        },
        { ...replaced.body, updated_at: back.body.updated_at },
      ],
    });

    const deleted = await send('DELETE', `${url}/cloud-terms`, A);
    expect([deleted.status, deleted.body]).toEqual([204, undefined]);
    const gone = await getJson(`${url}/cloud-terms`, A);
    expect([gone.status, gone.body]).toEqual([404, notFound('cloud-terms')]);
    const again = await send('DELETE', `${url}/cloud-terms`, A);
    expect([again.status, again.body]).toEqual([404, notFound('cloud-terms')]);
    expect((await getJson(url, A)).body.glossaries.map((g: { name: string }) => g.name)).toEqual([
      'a.second_one',
    ]);
    const recreated = await send('PUT', `${url}/cloud-terms`, A, edited);
    expect([recreated.status, recreated.body.version]).toEqual([201, v2]);
  });

  it('another key gets 404 for every route, and has glossaries of its own under the same names', async () => {
    expect((await send('PUT', `${url}/shared-name`, A, glossary(BUCKETS))).status).toBe(201);
    const read = await getJson(`${url}/shared-name`, B);
    expect([read.status, read.body]).toEqual([404, notFound('shared-name')]);
    const removed = await send('DELETE', `${url}/shared-name`, B);
    expect([removed.status, removed.body]).toEqual([404, notFound('shared-name')]);
    expect(await getJson(url, B)).toMatchObject({ status: 200, body: { glossaries: [] } });

    const own = await send('PUT', `${url}/shared-name`, B, glossary(BUCKETS.slice(0, 1)));
    expect([own.status, own.body.entry_count]).toEqual([201, 1]);
    expect((await getJson(`${url}/shared-name`, A)).body.entry_count).toBe(2);
    expect((await send('DELETE', `${url}/shared-name`, B)).status).toBe(204);
    expect((await getJson(`${url}/shared-name`, A)).status).toBe(200);
  });

  it('no key: 401, as on every /v1 route', async () => {
    const res = await getJson(url);
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized']);
  });

  it('refuses a bad name: 400 on PUT, 404 on GET and DELETE', async () => {
    const put = await send('PUT', `${url}/-starts-with-a-dash`, A, glossary(BUCKETS));
    expect([put.status, put.body]).toEqual([
      400,
      invalid([
        {
          path: 'params.name',
          message: 'must be 1 to 64 letters, digits, _ . - (starting with a letter or digit)',
        },
      ]),
    ]);
    const long = 'n'.repeat(65);
    expect((await send('PUT', `${url}/${long}`, A, glossary(BUCKETS))).status).toBe(400);
    expect(await getJson(`${url}/${long}`, A)).toMatchObject({ status: 404, body: notFound(long) });
    expect(await send('DELETE', `${url}/a:b`, A)).toMatchObject({ status: 404, body: notFound('a:b') });
  });

  it('refuses bad bodies with every problem named', async () => {
    const put = (body: unknown) => send('PUT', `${url}/bad`, A, body);
    expect((await put(glossary([]))).body).toEqual(
      invalid([{ path: 'body.entries', message: 'must have at least 1 entry' }]),
    );
    expect(
      (
        await put(
          glossary([
            { source: 'bucket', target: '버킷' },
            { source: '  ', target: 'x' },
            { source: 'x'.repeat(257), target: 'y' },
            { source: 'Bucket ', target: '버킷' },
            { source: 'q', target: '' },
          ]),
        )
      ).body,
    ).toEqual(
      invalid([
        { path: 'body.entries.1.source', message: 'must not be only white space' },
        { path: 'body.entries.2.source', message: 'must be at most 256 characters' },
        { path: 'body.entries.4.target', message: 'must not be empty' },
        { path: 'body.entries.3.source', message: 'the same source (ignoring case) as entries.0' },
      ]),
    );
    expect((await put({ tgt_lang: 'en', src_lang: 'EN', entries: BUCKETS, extra: 1 })).body).toEqual(
      invalid([
        { path: 'body', message: 'Unrecognized key: "extra"' },
        { path: 'body.tgt_lang', message: 'must differ from src_lang' },
      ]),
    );
    expect((await put({ tgt_lang: 'en', src_lang: 'EN', entries: BUCKETS })).body).toEqual(
      invalid([{ path: 'body.tgt_lang', message: 'must differ from src_lang' }]),
    );
    expect((await put({ entries: [{ source: 'a' }], case_sensitive: 'yes' })).body).toEqual(
      invalid([
        { path: 'body.src_lang', message: 'Invalid input: expected string, received undefined' },
        { path: 'body.tgt_lang', message: 'Invalid input: expected string, received undefined' },
        { path: 'body.entries.0.target', message: 'Invalid input: expected string, received undefined' },
        { path: 'body.case_sensitive', message: 'Invalid input: expected boolean, received string' },
      ]),
    );
    // Case-sensitive glossaries may hold both spellings.
    const cased = await put(
      glossary(
        [
          { source: 'Bucket', target: 'B' },
          { source: 'bucket', target: 'b' },
        ],
        { case_sensitive: true },
      ),
    );
    expect([cased.status, cased.body.case_sensitive]).toEqual([201, true]);
    const duplicate = await put(
      glossary(
        [
          { source: 'Bucket', target: 'B' },
          { source: 'Bucket', target: 'b' },
        ],
        { case_sensitive: true },
      ),
    );
    expect(duplicate.body).toEqual(
      invalid([{ path: 'body.entries.1.source', message: 'the same source as entries.0' }]),
    );
    // A refused PUT leaves the stored glossary as it was.
    expect((await getJson(`${url}/bad`, A)).body.entries).toEqual([
      { source: 'Bucket', target: 'B' },
      { source: 'bucket', target: 'b' },
    ]);
    expect((await send('POST', `${url}/bad`, A, glossary(BUCKETS))).body).toEqual({
      error: { code: 'method_not_allowed', message: 'POST is not allowed here; use GET, PUT, DELETE.' },
    });
  });

  it('takes 10,000 entries (over the translate body limit), refuses 10,001 and more than 500,000 characters', async () => {
    // Korean targets: 3 bytes a character, so the body outgrows MAX_BODY_BYTES within the character limit.
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ source: `term ${i}`, target: `${'가'.repeat(30)} ${i}` }));
    const full = JSON.stringify(glossary(many(10_000)));
    expect(Buffer.byteLength(full)).toBeGreaterThan(stack.config.MAX_BODY_BYTES);
    const stored = await send('PUT', `${url}/big`, A, full);
    expect([stored.status, stored.body.entry_count]).toEqual([201, 10_000]);
    expect((await getJson(`${url}/big`, A)).body.entries).toHaveLength(10_000);

    expect((await send('PUT', `${url}/big`, A, glossary(many(10_001)))).body).toEqual(
      invalid([{ path: 'body.entries', message: 'must have at most 10,000 entries' }]),
    );
    const wide = Array.from({ length: 2_500 }, (_, i) => ({
      source: `term ${i} ${'s'.repeat(120)}`,
      target: 't'.repeat(120),
    }));
    expect((await send('PUT', `${url}/big`, A, glossary(wide))).body).toEqual(
      invalid([{ path: 'body.entries', message: 'must have at most 500,000 characters of terms in all' }]),
    );
    const huge = JSON.stringify(glossary([{ source: 'a', target: 'x'.repeat(GLOSSARY_BODY_LIMIT_BYTES) }]));
    expect(await send('PUT', `${url}/big`, A, huge)).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'The request body is too large.' } },
    });
    expect((await getJson(`${url}/big`, A)).body.entry_count).toBe(10_000);
  });

  it('real responses match the OpenAPI document', async () => {
    const doc = (await getJson(`${stack.url}/openapi.json`)).body as OpenApiDoc;
    const checker = responseChecker(doc);
    const check = (method: string, path: string, res: HttpResult) =>
      expect(checker.check(method, path, res.status, res.body, res.headers.get('content-type'))).toEqual([]);
    const one = '/v1/glossaries/{name}';
    check('put', one, await send('PUT', `${url}/documented`, A, glossary(BUCKETS)));
    check('put', one, await send('PUT', `${url}/documented`, A, glossary(BUCKETS.slice(1))));
    check('put', one, await send('PUT', `${url}/documented`, A, glossary([])));
    check('get', one, await getJson(`${url}/documented`, A));
    check('get', '/v1/glossaries', await getJson(url, A));
    check('get', '/v1/glossaries', await getJson(url));
    const deleted = await send('DELETE', `${url}/documented`, A);
    expect(deleted.status).toBe(204);
    expect(doc.paths[one]?.delete?.responses['204']).toBeDefined();
    check('delete', one, await send('DELETE', `${url}/documented`, A));
    check('get', one, await getJson(`${url}/documented`, A));
  });
});
