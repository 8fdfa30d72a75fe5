import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import {
  cacheTenant,
  jobCacheParts,
  jobTextHashes,
  parseCachedTranslation,
  providerId,
  translationHash,
} from '../../shared/translation-cache.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const PROVIDER = 'google-v2 default';

describe('translationHash (cache key and in-flight mark of a text)', () => {
  it('is the SHA-256 of [provider, model, source, target, format, text]: keys in Redis stay valid across releases', () => {
    expect(translationHash({ provider: PROVIDER, target: 'en', format: 'text', text: 'hola' })).toBe(
      '276c345aa8dd73710d390024f4e2e35930b713a8a8d8c0c95503d78f39d3ad56',
    );
    expect(translationHash({ provider: PROVIDER, target: 'en', format: 'text', text: 'hola' })).toBe(
      sha256(JSON.stringify([PROVIDER, '', 'auto', 'en', 'text', 'hola'])),
    );
  });

  it('protection settings change the key; an unchecked shape keeps the key it had before them', () => {
    const shape = { target: 'en', format: 'text' as const };
    const plain = translationHash(jobCacheParts(PROVIDER, shape, 'hi {x}'));
    expect(plain).toBe(translationHash({ provider: PROVIDER, target: 'en', format: 'text', text: 'hi {x}' }));
    const glossary = { owner: 'acme', name: 'terms', version: 'v1' };
    const variants = [
      plain,
      translationHash(jobCacheParts(PROVIDER, { ...shape, placeholders: ['braces'] }, 'hi {x}')),
      translationHash(jobCacheParts(PROVIDER, { ...shape, placeholders: ['braces', 'printf'] }, 'hi {x}')),
      translationHash(jobCacheParts(PROVIDER, { ...shape, format: 'markdown' }, 'hi {x}')),
      translationHash(jobCacheParts(PROVIDER, { ...shape, format: 'icu' }, 'hi {x}')),
      translationHash(jobCacheParts(PROVIDER, { ...shape, glossary }, 'hi {x}')),
      translationHash(
        jobCacheParts(PROVIDER, { ...shape, glossary: { ...glossary, version: 'v2' } }, 'hi {x}'),
      ),
      translationHash(jobCacheParts(PROVIDER, { ...shape, glossary, on_unsafe: 'return' }, 'hi {x}')),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    // Another owner's glossary of the same name and content is the same translation.
    expect(
      translationHash(
        jobCacheParts(PROVIDER, { ...shape, glossary: { ...glossary, owner: 'other' } }, 'hi {x}'),
      ),
    ).toBe(variants[5]);
  });

  it('an absent source is "auto"; the target is case-insensitive', () => {
    const base = { provider: PROVIDER, target: 'en', format: 'text', text: 'hola' };
    expect(translationHash({ ...base, source: 'auto' })).toBe(translationHash(base));
    expect(translationHash({ ...base, target: 'EN' })).toBe(translationHash(base));
  });

  it('every other part changes the key', () => {
    const base = { provider: PROVIDER, target: 'en', format: 'text', text: 'hola' };
    const variants = [
      base,
      { ...base, provider: 'google-v2 http://127.0.0.1:8089/language/translate/v2' },
      { ...base, model: 'nmt' },
      { ...base, source: 'es' },
      { ...base, target: 'ja' },
      { ...base, format: 'html' },
      { ...base, text: 'Hola' },
    ];
    expect(new Set(variants.map(translationHash)).size).toBe(variants.length);
  });
});

describe('providerId', () => {
  it('names the emulator by its endpoint and Google by "default", so their translations never mix', () => {
    expect(providerId(loadConfig({}))).toBe('google-v2 http://127.0.0.1:8089/language/translate/v2');
    expect(providerId(loadConfig({ GOOGLE_TRANSLATE_API_KEY: 'k' }))).toBe('google-v2 default');
  });
});

describe('jobCacheParts and jobTextHashes', () => {
  it('one set of parts per text, the source only when given', () => {
    expect(jobCacheParts(PROVIDER, { target: 'en', format: 'html' }, 'a')).toEqual({
      provider: PROVIDER,
      target: 'en',
      format: 'html',
      text: 'a',
    });
    expect(jobCacheParts(PROVIDER, { target: 'en', format: 'text', source: 'es' }, 'a')).toEqual({
      provider: PROVIDER,
      target: 'en',
      format: 'text',
      text: 'a',
      source: 'es',
    });
  });

  it('hashes a job text by text, in order', () => {
    expect(jobTextHashes(PROVIDER, { texts: ['hola', 'adiós'], target: 'en', format: 'text' })).toEqual([
      translationHash({ provider: PROVIDER, target: 'en', format: 'text', text: 'hola' }),
      translationHash({ provider: PROVIDER, target: 'en', format: 'text', text: 'adiós' }),
    ]);
  });
});

describe('the cache scope (CACHE_SCOPE)', () => {
  const base = { provider: PROVIDER, target: 'en', format: 'text', text: 'hola' };

  it('a tenant entry is keyed by its tenant; a shared entry keeps the hash it had before tenants', () => {
    expect(translationHash({ ...base, tenant: 'app-a' })).toBe(
      sha256(JSON.stringify([PROVIDER, '', 'auto', 'en', 'text', 'hola', 'app-a'])),
    );
    const hashes = [base, { ...base, tenant: 'app-a' }, { ...base, tenant: 'app-b' }].map(translationHash);
    expect(new Set(hashes).size).toBe(3);
    expect(cacheTenant('tenant', 'app-a')).toBe('app-a');
    expect(cacheTenant('shared', 'app-a')).toBeUndefined();
  });

  it('the worker hashes each text in the scope and for the owner the job records', () => {
    const job = {
      texts: ['hola', 'hola'],
      owners: ['app-a', 'app-b'],
      target: 'en',
      format: 'text' as const,
    };
    expect(jobTextHashes(PROVIDER, { ...job, cache_scope: 'tenant' })).toEqual([
      translationHash({ ...base, tenant: 'app-a' }),
      translationHash({ ...base, tenant: 'app-b' }),
    ]);
    const shared = translationHash(base);
    expect(jobTextHashes(PROVIDER, { ...job, cache_scope: 'shared' })).toEqual([shared, shared]);
    expect(jobTextHashes(PROVIDER, job)).toEqual([shared, shared]);
  });
});

describe('parseCachedTranslation', () => {
  it('reads a stored entry, dropping unknown fields', () => {
    expect(parseCachedTranslation('{"text":"hello","detected_source":"es"}')).toEqual({
      text: 'hello',
      detected_source: 'es',
    });
    expect(parseCachedTranslation('{"text":"hello","x":1}')).toEqual({ text: 'hello' });
  });

  it('undefined for an unreadable entry (it is translated again)', () => {
    expect(parseCachedTranslation('not json')).toBeUndefined();
    expect(parseCachedTranslation('{"text":1}')).toBeUndefined();
    expect(parseCachedTranslation('null')).toBeUndefined();
  });
});
