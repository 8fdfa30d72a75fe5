/**
 * Glossaries in translate requests (issue 13) through the real stack: the API looks up the version
 * (it joins the job and the cache key), the worker loads and compiles the glossary once per version
 * and protects each term as its target. The glossaries come from a reader of this test's own (the
 * GlossaryReader interface); the glossary store and its routes (shared/glossaries/glossary-store.ts)
 * implement the same interface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlossaryReader, ReadGlossary } from '../shared/glossaries/glossary-reader.js';
import { postJson, startStack, type Stack } from './helpers/stack.js';

class TestGlossaries implements GlossaryReader {
  readonly glossaries = new Map<string, ReadGlossary>();
  loads = 0;
  version(owner: string, name: string): Promise<string | null> {
    return Promise.resolve(this.glossaries.get(`${owner}/${name}`)?.version ?? null);
  }
  get(owner: string, name: string): Promise<ReadGlossary | null> {
    this.loads += 1;
    return Promise.resolve(this.glossaries.get(`${owner}/${name}`) ?? null);
  }
}

describe('text protection: glossaries', () => {
  let stack: Stack;
  const glossaries = new TestGlossaries();
  const translate = (body: Record<string, unknown>) =>
    postJson(`${stack.url}/v1/translate`, { tgt_lang: 'ko', src_lang: 'en', ...body });

  beforeAll(async () => {
    glossaries.glossaries.set('open/cloud', {
      version: 'v1',
      case_sensitive: false,
      entries: [
        { source: 'Acme Cloud', target: 'Acme Cloud' },
        { source: 'bucket', target: '버킷' },
        { source: 'storage bucket', target: '저장소 버킷' },
      ],
    });
    glossaries.glossaries.set('open/strict', {
      version: 's1',
      case_sensitive: true,
      entries: [{ source: 'bucket', target: '버킷' }],
    });
    stack = await startStack({ glossaries });
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
    expect(res.body).toMatchObject({ tgt_text: '[ko] One 버킷, one Bucket.', qa: { ok: true } });
  });

  it('works with the other formats and placeholders', async () => {
    const res = await translate({
      src_text: '{n, plural, one {# bucket for {user}} other {# buckets}}',
      format: 'icu',
      glossary: 'cloud',
    });
    expect(res.body).toMatchObject({
      tgt_text: '{n, plural, one {[ko] # 버킷 for {user}} other {[ko] # buckets}}',
      qa: { ok: true },
    });
  });

  it('editing a glossary changes its version: a new cache key, and the new terms apply', async () => {
    const body = { src_text: 'Empty the bucket.', glossary: 'cloud' };
    const first = await translate(body);
    expect(first.body).toMatchObject({ tgt_text: '[ko] Empty the 버킷.', qa: { ok: true } });
    expect((await translate(body)).body).toMatchObject({ tgt_text: '[ko] Empty the 버킷.', cached: true });
    const loads = glossaries.loads;
    glossaries.glossaries.set('open/cloud', {
      version: 'v2',
      case_sensitive: false,
      entries: [{ source: 'bucket', target: '양동이' }],
    });
    const edited = await translate(body);
    expect(edited.body.cached).toBeUndefined();
    expect(edited.body).toMatchObject({ tgt_text: '[ko] Empty the 양동이.', qa: { ok: true } });
    // Loaded once for the new version, then held.
    await translate({ src_text: 'A bucket.', glossary: 'cloud' });
    expect(glossaries.loads).toBe(loads + 1);
  });
});
