import { describe, expect, it } from 'vitest';
import { SPAN } from '../helpers/protected-html.js';
import {
  compileGlossary,
  findGlossaryTerms,
  protect,
  resolvePlaceholderKinds,
  restore,
  type GlossaryEntry,
} from '../../shared/text-protection/index.js';

const ENTRIES: GlossaryEntry[] = [
  { source: 'Acme Cloud', target: 'Acme Cloud' },
  { source: 'bucket', target: '버킷' },
  { source: 'storage bucket', target: '스토리지 버킷' },
];

const terms = (text: string, entries = ENTRIES, caseSensitive = false) =>
  findGlossaryTerms(compileGlossary(entries, { caseSensitive }), text).map((m) => [
    text.slice(m.start, m.end),
    m.target,
  ]);

describe('glossary matching', () => {
  it('finds a multi-word term', () => {
    expect(terms('Welcome to Acme Cloud.')).toEqual([['Acme Cloud', 'Acme Cloud']]);
  });

  it('prefers the longest term: "storage bucket" over "bucket"', () => {
    expect(terms('Create a storage bucket, then a bucket.')).toEqual([
      ['storage bucket', '스토리지 버킷'],
      ['bucket', '버킷'],
    ]);
  });

  it('is case-insensitive by default and case-sensitive when asked', () => {
    expect(terms('BUCKET and Bucket')).toEqual([
      ['BUCKET', '버킷'],
      ['Bucket', '버킷'],
    ]);
    expect(terms('BUCKET and Bucket and bucket', ENTRIES, true)).toEqual([['bucket', '버킷']]);
  });

  it('matches whole words only, with Unicode word boundaries', () => {
    expect(terms('buckets, subbucket, bucket_1, bucketé, ébucket')).toEqual([]);
    expect(terms('(bucket) «bucket» bucket-list')).toEqual([
      ['bucket', '버킷'],
      ['bucket', '버킷'],
      ['bucket', '버킷'],
    ]);
    expect(terms('Der Straße-Eimer', [{ source: 'straße', target: 'street' }])).toEqual([
      ['Straße', 'street'],
    ]);
  });

  it('needs no spaces around terms in scripts written without them', () => {
    expect(terms('これはバケットです', [{ source: 'バケット', target: 'bucket' }])).toEqual([
      ['バケット', 'bucket'],
    ]);
  });

  it('matches 10,000 entries on a 5,000-character text well under 50 ms', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      source: `term${i} word${i % 97}`,
      target: `t${i}`,
    }));
    entries.push({ source: 'storage bucket', target: 'x' });
    const glossary = compileGlossary(entries);
    const text = 'Put the file in a storage bucket and term42 word42 then term9999 word8 again. '
      .repeat(70)
      .slice(0, 5000);
    findGlossaryTerms(glossary, text); // warm up
    // CPU time of this process, not wall time: other processes sharing the machine do not count.
    const started = process.cpuUsage();
    const found = findGlossaryTerms(glossary, text);
    const { user, system } = process.cpuUsage(started);
    const elapsed = (user + system) / 1000;
    expect(found.length).toBeGreaterThan(150);
    expect(elapsed).toBeLessThan(50);
  });
});

describe('glossary protection', () => {
  const glossary = compileGlossary(ENTRIES);

  it('sends each term as its target, protected, and restores the target', () => {
    const p = protect(
      'Put it in a Storage Bucket on Acme Cloud, not {bucket}.',
      'text',
      resolvePlaceholderKinds('auto'),
      {
        glossary,
      },
    );
    expect(p.providerText).toBe(
      `Put it in a ${SPAN}스토리지 버킷</span> on ${SPAN}Acme Cloud</span>, not ${SPAN}{bucket}</span>.`,
    );
    const translated = `${SPAN}Acme Cloud</span>의 ${SPAN}스토리지 버킷</span>에 넣으세요, ${SPAN}{bucket}</span> 말고.`;
    expect(restore(translated, p)).toEqual({
      ok: true,
      text: 'Acme Cloud의 스토리지 버킷에 넣으세요, {bucket} 말고.',
    });
  });

  it('reports a term whose target did not come back where its source was', () => {
    const p = protect('Open the bucket.', 'text', [], { glossary });
    expect(restore('버킷을 여세요.', p)).toEqual({
      ok: false,
      text: '버킷을 여세요.',
      issues: [{ kind: 'glossary_term_missing', detail: '"버킷" is missing' }],
    });
    expect(restore(`${SPAN}양동이</span>를 여세요.`, p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'glossary_term_missing', detail: '"버킷" came back as "양동이"' }],
    });
    expect(restore(`${SPAN}버킷</span> ${SPAN}버킷</span>`, p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'glossary_term_duplicated' }],
    });
  });

  it('uses the last entry when a source is listed twice', () => {
    expect(terms('bucket', [...ENTRIES, { source: 'Bucket', target: 'seau' }])).toEqual([['bucket', 'seau']]);
  });
});
