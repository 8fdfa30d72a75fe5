/**
 * Glossaries in translate requests (issue 13) through the real stack, two API keys, the glossaries
 * created with `PUT /v1/glossaries/{name}` into the Redis store: the API looks up the version (it
 * joins the job and the cache key), the worker loads and compiles the glossary of that version and
 * protects each term as its target, in every format, in sync requests and batch items alike.
 * Another key has none of them (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, postJson, startStack, type HttpResult, type Stack } from './helpers/stack.js';

const KEY_A = 'protection-glossary-a-key';
const KEY_B = 'protection-glossary-b-key';
const A = { authorization: `Bearer ${KEY_A}` };
const B = { authorization: `Bearer ${KEY_B}` };

type Entries = { source: string; target: string }[];

/** PUT /v1/glossaries/{name} (en → ko) as key A: the answer, its version included. */
async function putGlossary(
  stack: Stack,
  name: string,
  entries: Entries,
  caseSensitive = false,
): Promise<HttpResult> {
  const res = await fetch(`${stack.url}/v1/glossaries/${name}`, {
    method: 'PUT',
    headers: { ...A, 'content-type': 'application/json' },
    body: JSON.stringify({ src_lang: 'en', tgt_lang: 'ko', entries, case_sensitive: caseSensitive }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const CLOUD: Entries = [
  { source: 'Acme Cloud', target: 'Acme Cloud' },
  { source: 'bucket', target: '버킷' },
  { source: 'storage bucket', target: '저장소 버킷' },
];

describe('text protection: glossaries from the store', () => {
  let stack: Stack;
  const translate = (body: Record<string, unknown>, headers: Record<string, string> = A) =>
    postJson(`${stack.url}/v1/translate`, { tgt_lang: 'ko', src_lang: 'en', ...body }, headers);

  beforeAll(async () => {
    stack = await startStack({ env: { API_KEYS: `${KEY_A},${KEY_B}` } });
    expect((await putGlossary(stack, 'cloud', CLOUD)).status).toBe(201);
    expect((await putGlossary(stack, 'strict', [{ source: 'bucket', target: '버킷' }], true)).status).toBe(
      201,
    );
  });
  afterAll(() => stack?.close());

  it('a multi-word term, any case, and the longest of overlapping terms become their targets', async () => {
    const text = 'Create a storage bucket in Acme cloud, then one more Bucket (not buckets).';
    const res = await translate({ src_text: text, glossary: 'cloud' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      src_text: text,
      tgt_text: '[ko] Create a 저장소 버킷 in Acme Cloud, then one more 버킷 (not buckets).',
      qa: { ok: true },
    });
  });

  it('a case-sensitive glossary leaves other spellings alone', async () => {
    const res = await translate({ src_text: 'One bucket, one Bucket.', glossary: 'strict' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tgt_text: '[ko] One 버킷, one Bucket.', qa: { ok: true } });
  });

  it('format icu: terms in the literal text of each branch, arguments untouched', async () => {
    const res = await translate({
      src_text: '{n, plural, one {# bucket for {user}} other {# buckets}}',
      format: 'icu',
      glossary: 'cloud',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tgt_text: '{n, plural, one {[ko] # 버킷 for {user}} other {[ko] # buckets}}',
      qa: { ok: true },
    });
  });

  it('format markdown: terms in prose, not in code spans or link URLs', async () => {
    const text = [
      '# The storage bucket',
      '',
      'Copy with `bucket cp` to [Acme Cloud](https://example.com/bucket).',
      '',
    ].join('\n');
    const res = await translate({ src_text: text, format: 'markdown', glossary: 'cloud' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tgt_text: [
        '# [ko] The 저장소 버킷',
        '',
        '[ko] Copy with `bucket cp` to [Acme Cloud](https://example.com/bucket).',
        '',
      ].join('\n'),
      qa: { ok: true },
    });
  });

  it('a batch item naming a glossary is translated with it; an item without one is not', async () => {
    const res = await postJson(
      `${stack.url}/v1/batches`,
      {
        items: [
          { src_text: 'Empty the storage bucket.', tgt_lang: 'ko', src_lang: 'en', glossary: 'cloud' },
          { src_text: 'Empty the storage bucket.', tgt_lang: 'ko', src_lang: 'en' },
        ],
      },
      { ...A, Prefer: 'wait=10' },
    );
    expect([res.status, res.body.status]).toEqual([200, 'completed']);
    expect(res.body.items).toMatchObject([
      { index: 0, status: 'completed', tgt_text: '[ko] Empty the 저장소 버킷.', qa: { ok: true } },
      { index: 1, status: 'completed', tgt_text: '[ko] Empty the storage bucket.' },
    ]);
    expect(res.body.items[1].qa).toBeUndefined();
  });

  it('editing a glossary changes its version: a new cache key, and the new terms apply', async () => {
    const created = await putGlossary(stack, 'edits', [{ source: 'bucket', target: '버킷' }]);
    const body = { src_text: 'Empty the bucket.', glossary: 'edits' };
    const first = await translate(body);
    expect(first.body).toMatchObject({ tgt_text: '[ko] Empty the 버킷.', qa: { ok: true } });
    expect(first.body.cached).toBeUndefined();
    expect((await translate(body)).body).toMatchObject({ tgt_text: '[ko] Empty the 버킷.', cached: true });

    const edited = await putGlossary(stack, 'edits', [{ source: 'bucket', target: '양동이' }]);
    expect(edited.status).toBe(200);
    expect(edited.body.version).not.toBe(created.body.version);
    const after = await translate(body);
    expect(after.status).toBe(200);
    expect(after.body.cached).toBeUndefined();
    expect(after.body).toMatchObject({ tgt_text: '[ko] Empty the 양동이.', qa: { ok: true } });
    expect((await translate(body)).body).toMatchObject({ tgt_text: '[ko] Empty the 양동이.', cached: true });
  });

  it("another key naming the first key's glossary gets 404, in a sync request and in a batch", async () => {
    const notFound = { error: { code: 'not_found', message: 'No glossary named "cloud".' } };
    const sync = await translate({ src_text: 'A bucket.', glossary: 'cloud' }, B);
    expect([sync.status, sync.body]).toEqual([404, notFound]);
    const batch = await postJson(
      `${stack.url}/v1/batches`,
      { src_texts: ['A bucket.'], tgt_langs: ['ko'], src_lang: 'en', glossary: 'cloud' },
      B,
    );
    expect([batch.status, batch.body]).toEqual([404, notFound]);
  });
});

describe('a glossary edited after the request was accepted', () => {
  let stack: Stack;
  const accept = async (srcText: string, glossary: string): Promise<string> => {
    const res = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: srcText, tgt_lang: 'ko', src_lang: 'en', glossary },
      { ...A, Prefer: 'respond-async' },
    );
    expect(res.status).toBe(202);
    return res.body.job_id as string;
  };
  /** The job once it has ended (GET /v1/jobs/{id}). */
  const ended = (jobId: string) =>
    eventually(async () => {
      const job = await getJson(`${stack.url}/v1/jobs/${jobId}`, A);
      return job.body.status === 'completed' || job.body.status === 'failed' ? job.body : undefined;
    });

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { API_KEYS: KEY_A } });
  });
  afterAll(() => stack?.close());

  it('a worker without the accepted version fails the item with glossary_changed; nothing is cached under it', async () => {
    expect((await putGlossary(stack, 'moving', [{ source: 'bucket', target: '버킷' }])).status).toBe(201);
    const jobId = await accept('Fill the bucket.', 'moving');
    expect((await putGlossary(stack, 'moving', [{ source: 'bucket', target: '양동이' }])).status).toBe(200);
    await stack.startWorker();
    expect(await ended(jobId)).toMatchObject({
      job_id: jobId,
      status: 'failed',
      attempts: 1,
      error: {
        code: 'glossary_changed',
        message: 'The glossary was edited after this request was accepted; send the request again.',
      },
    });
    // Sent again, it gets the new version: translated now, with the new term.
    const again = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'Fill the bucket.', tgt_lang: 'ko', src_lang: 'en', glossary: 'moving' },
      A,
    );
    expect([again.status, again.body.tgt_text, again.body.cached]).toEqual([
      200,
      '[ko] Fill the 양동이.',
      undefined,
    ]);
  });

  it('a worker holding the accepted version translates with it', async () => {
    expect((await putGlossary(stack, 'held', [{ source: 'bucket', target: '버킷' }])).status).toBe(201);
    const worker = stack.workers[0] ?? (await stack.startWorker());
    // The worker compiles and holds this version.
    expect((await ended(await accept('One bucket.', 'held'))).result.tgt_text).toBe('[ko] One 버킷.');
    await worker.worker.pause();
    const jobId = await accept('Two buckets and a bucket.', 'held');
    expect((await putGlossary(stack, 'held', [{ source: 'bucket', target: '양동이' }])).status).toBe(200);
    worker.worker.resume();
    expect(await ended(jobId)).toMatchObject({
      status: 'completed',
      result: { tgt_text: '[ko] Two buckets and a 버킷.', qa: { ok: true } },
    });
  });
});
