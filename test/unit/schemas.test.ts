import { describe, expect, it } from 'vitest';
import {
  cleanText,
  itemId,
  jobId,
  languageCode,
  parseItemId,
  translateRequestSchema,
  uuid,
} from '../../shared/schemas.js';
import type { z } from 'zod';

/** `[path, message]` of every issue, or 'ok'. */
function issues(schema: z.ZodType, value: unknown): 'ok' | [string, string][] {
  const result = schema.safeParse(value);
  return result.success ? 'ok' : result.error.issues.map((i) => [i.path.join('.'), i.message]);
}

const SHAPE = 'must be a language code like "en", "pt-BR" or "zh-TW"';
const LENGTH = 'must be 2 to 10 characters';
const JOB = '0b7e2c1a-1111-4222-8333-444455556666';

describe('languageCode', () => {
  it('accepts two- and three-letter codes with subtags, in any case', () => {
    for (const code of ['en', 'EN', 'yue', 'pt-BR', 'zh-TW', 'zh-Hant-TW', 'es-419']) {
      expect(issues(languageCode, code)).toBe('ok');
    }
  });

  it('refuses other shapes', () => {
    for (const code of ['e1', 'en_US', 'en-', 'abcd', '123', 'en--US']) {
      expect(issues(languageCode, code)).toEqual([['', SHAPE]]);
    }
  });

  it('refuses codes shorter than 2 or longer than 10 characters', () => {
    expect(issues(languageCode, 'e')).toEqual([
      ['', LENGTH],
      ['', SHAPE],
    ]);
    expect(issues(languageCode, 'en-abcdefgh')).toEqual([['', LENGTH]]);
  });
});

describe('cleanText', () => {
  const text = cleanText(5);

  it('accepts up to the limit', () => {
    expect(issues(text, 'abcde')).toBe('ok');
  });

  it('refuses empty, too long, NUL and unpaired surrogates, each with its own message', () => {
    expect(issues(text, '')).toEqual([['', 'must not be empty']]);
    expect(issues(text, 'abcdef')).toEqual([['', 'must be at most 5 characters']]);
    expect(issues(text, 'a\u0000b')).toEqual([['', 'must not contain NUL characters']]);
    expect(issues(text, '\udc00x')).toEqual([['', 'must not contain unpaired surrogates']]);
    expect(issues(text, 'x\ud83d')).toEqual([['', 'must not contain unpaired surrogates']]);
  });
});

describe('translateRequestSchema', () => {
  const schema = translateRequestSchema(5);

  it('accepts the documented fields', () => {
    expect(schema.parse({ src_text: 'hi', tgt_lang: 'en', src_lang: 'auto', format: 'html' })).toEqual({
      src_text: 'hi',
      tgt_lang: 'en',
      src_lang: 'auto',
      format: 'html',
    });
  });

  it('refuses unknown fields and formats, and names missing ones', () => {
    expect(issues(schema, { src_text: 'hi', tgt_lang: 'en', format: 'md', x: 1 })).toEqual([
      ['format', 'Invalid option: expected one of "text"|"html"|"icu"|"markdown"'],
      ['', 'Unrecognized key: "x"'],
    ]);
    expect(issues(schema, {})).toEqual([
      ['src_text', 'Invalid input: expected string, received undefined'],
      ['tgt_lang', 'Invalid input: expected string, received undefined'],
    ]);
  });
});

describe('ids', () => {
  it('uuid: lower-case UUIDs only', () => {
    expect(issues(uuid, JOB)).toBe('ok');
    expect(issues(uuid, JOB.toUpperCase())).toEqual([['', 'not an id']]);
    expect(issues(uuid, `${JOB}.0`)).toEqual([['', 'not an id']]);
  });

  it('jobId: a sealed id, 62 base64url characters; the old <uuid>.<index> form is refused', () => {
    for (const id of ['A'.repeat(62), `${'a0_-'.repeat(15)}Zz`]) expect(issues(jobId, id)).toBe('ok');
    for (const id of [JOB, `${JOB}.0`, `${JOB}.127`, 'A'.repeat(61), 'A'.repeat(63), `${'A'.repeat(61)}=`]) {
      expect(issues(jobId, id)).toEqual([['', 'not a job id']]);
    }
  });

  it('itemId and parseItemId are inverses', () => {
    expect(itemId(JOB, 12)).toBe(`${JOB}.12`);
    expect(parseItemId(`${JOB}.12`)).toEqual({ queueJobId: JOB, index: 12 });
    expect(parseItemId(itemId(JOB, 0))).toEqual({ queueJobId: JOB, index: 0 });
  });
});
