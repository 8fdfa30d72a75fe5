/** The languages query, the detect body and the provider-info job contract: pure validation. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import {
  detectJobResult,
  languagesJobResult,
  providerInfoJob,
  providerInfoJobData,
  providerInfoJobOptions,
} from '../../shared/jobs/provider-info-job.js';
import { detectRequestSchema, languagesQuerySchema } from '../../shared/language-schemas.js';

const schema = detectRequestSchema(10);
const issues = (value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('detect request', () => {
  it('takes one text or 1 to 128 texts', () => {
    expect(schema.parse({ src_text: '안녕' })).toEqual({ src_text: '안녕' });
    expect(schema.parse({ src_texts: Array(128).fill('a') }).src_texts).toHaveLength(128);
  });

  it('wants exactly one of src_text and src_texts', () => {
    const rule = [['', 'give exactly one of src_text and src_texts']];
    expect(issues({})).toEqual(rule);
    expect(issues({ src_text: 'a', src_texts: ['b'] })).toEqual(rule);
  });

  it('applies the translate text rules to every text', () => {
    expect(issues({ src_text: 'x'.repeat(11) })).toEqual([['src_text', 'must be at most 10 characters']]);
    // Code points, as everywhere: 10 emoji are 10 characters.
    expect(issues({ src_text: '😀'.repeat(10) })).toEqual([]);
    expect(issues({ src_texts: ['ok', 'a\u0000b'] })).toEqual([
      ['src_texts.1', 'must not contain NUL characters'],
    ]);
    expect(issues({ src_texts: ['\ud800'] })).toEqual([
      ['src_texts.0', 'must not contain unpaired surrogates'],
    ]);
    expect(issues({ src_texts: [] })).toEqual([['src_texts', 'must hold at least one text']]);
    expect(issues({ src_texts: Array(129).fill('a') })).toEqual([
      ['src_texts', 'must hold at most 128 texts'],
    ]);
  });

  it('is strict', () => {
    expect(issues({ src_text: 'a', format: 'html' })).toEqual([['', 'Unrecognized key: "format"']]);
  });
});

describe('languages query', () => {
  it('takes an optional language code and nothing else', () => {
    expect(languagesQuerySchema.parse({})).toEqual({});
    expect(languagesQuerySchema.parse({ target: 'zh-TW' })).toEqual({ target: 'zh-TW' });
    expect(languagesQuerySchema.safeParse({ target: 'english!' }).success).toBe(false);
    expect(languagesQuerySchema.safeParse({ target: ['en', 'ko'] }).success).toBe(false);
    expect(languagesQuerySchema.safeParse({ lang: 'en' }).success).toBe(false);
  });
});

describe('provider-info job contract', () => {
  const config = loadConfig({ SYNC_WAIT_MAX_MS: '120000', JOB_ATTEMPTS: '3' });
  const options = providerInfoJobOptions(config);

  it('builds jobs named by their kind, with the queue options and the given id', () => {
    const detect = providerInfoJob({ kind: 'detect', texts: ['a', 'b'], request_ids: ['r1'] }, 'j1', options);
    expect(detect).toEqual({
      name: 'detect',
      data: { kind: 'detect', texts: ['a', 'b'], request_ids: ['r1'] },
      opts: { ...options, jobId: 'j1' },
    });
    expect(providerInfoJob({ kind: 'languages', target: 'ko' }, 'j2', options).name).toBe('languages');
  });

  it('keeps finished jobs only as long as a wait may read them; retries like translations', () => {
    expect(options).toMatchObject({
      attempts: 3,
      removeOnComplete: { age: 180 },
      removeOnFail: { age: 180 },
    });
  });

  it.each([
    ['no texts', { kind: 'detect', texts: [] }],
    ['129 texts', { kind: 'detect', texts: Array(129).fill('x') }],
    ['an empty text', { kind: 'detect', texts: [''] }],
    ['a bad target', { kind: 'languages', target: 'e' }],
    ['an unknown kind', { kind: 'translate', texts: ['a'] }],
  ])('refuses %s (API: never added; worker: failed without retry)', (_, data) => {
    expect(providerInfoJobData.safeParse(data).success).toBe(false);
    expect(() => providerInfoJob(data as never, 'j', options)).toThrow();
  });

  it('results: detections and languages', () => {
    expect(detectJobResult.safeParse({ detections: [{ language: 'ko', confidence: 1 }] }).success).toBe(true);
    expect(detectJobResult.safeParse({ detections: [{ language: 'ko' }] }).success).toBe(false);
    expect(languagesJobResult.safeParse({ languages: [{ code: 'ko', name: 'Korean' }] }).success).toBe(true);
    expect(languagesJobResult.safeParse({ languages: [{ code: 'ko' }] }).success).toBe(false);
  });
});
