import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { parseApiKeys, presentedKey, requireApiKey } from '../../api/http/api-keys.js';
import { AppError } from '../../shared/errors.js';

/** SHA-256 test vectors (FIPS 180-2): "abc" and "". */
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const hex = (digests: Buffer[]) => digests.map((d) => d.toString('hex'));

describe('parseApiKeys (API_KEYS)', () => {
  it('no setting: no keys', () => {
    expect(parseApiKeys(undefined)).toEqual([]);
    expect(parseApiKeys('')).toEqual([]);
    expect(parseApiKeys(' , ,')).toEqual([]);
  });

  it('keeps each plain key as its SHA-256 digest, trimmed, skipping empty entries', () => {
    expect(hex(parseApiKeys('abc'))).toEqual([SHA256_ABC]);
    expect(hex(parseApiKeys(' abc ,, abc'))).toEqual([SHA256_ABC, SHA256_ABC]);
  });

  it('takes a sha256:<64 hex> entry as the digest itself, in either case', () => {
    expect(hex(parseApiKeys(`sha256:${SHA256_ABC}`))).toEqual([SHA256_ABC]);
    expect(hex(parseApiKeys(`SHA256:${SHA256_ABC.toUpperCase()}`))).toEqual([SHA256_ABC]);
    expect(hex(parseApiKeys(`sha256:${SHA256_EMPTY}, abc`))).toEqual([SHA256_EMPTY, SHA256_ABC]);
  });

  it('an entry that only looks like a digest is a plain key', () => {
    for (const entry of [
      `sha256:${SHA256_ABC.slice(1)}`,
      `sha256:${SHA256_ABC}0`,
      `sha256:${'g'.repeat(64)}`,
    ]) {
      expect(hex(parseApiKeys(entry))).toEqual([createHash('sha256').update(entry).digest('hex')]);
    }
  });
});

describe('presentedKey', () => {
  it('reads Authorization: Bearer, case-insensitively, trailing spaces allowed', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'bearer   abc  ' })).toBe('abc');
  });

  it('falls back to X-API-Key (trimmed) when Authorization is not a bearer token', () => {
    expect(presentedKey({ 'x-api-key': ' abc ' })).toBe('abc');
    expect(presentedKey({ authorization: 'Basic YTpi', 'x-api-key': 'abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'Bearer a b', 'x-api-key': 'abc' })).toBe('abc');
  });

  it('prefers the bearer token when both are sent', () => {
    expect(presentedKey({ authorization: 'Bearer one', 'x-api-key': 'two' })).toBe('one');
  });

  it('none, or only blanks: no key', () => {
    expect(presentedKey({})).toBeUndefined();
    expect(presentedKey({ 'x-api-key': '  ' })).toBeUndefined();
    expect(presentedKey({ authorization: 'Bearer ' })).toBeUndefined();
  });
});

describe('requireApiKey', () => {
  /** What the middleware passes to next(), and the client id it records. */
  function run(digests: Buffer[], headers: Record<string, string>) {
    const res = { locals: {} as Record<string, unknown> };
    let passed: unknown = 'next not called';
    requireApiKey(digests)({ headers } as unknown as Request, res as unknown as Response, (err?: unknown) => {
      passed = err;
    });
    return { passed, clientId: res.locals.clientId };
  }

  it('lets everything through when no keys are configured', () => {
    expect(run([], {})).toEqual({ passed: undefined, clientId: undefined });
  });

  it('accepts a configured key, plain or by digest, and names the client by its digest', () => {
    const expected = { passed: undefined, clientId: `key:${SHA256_ABC.slice(0, 24)}` };
    expect(run(parseApiKeys('other,abc'), { authorization: 'Bearer abc' })).toEqual(expected);
    expect(run(parseApiKeys(`sha256:${SHA256_ABC}`), { 'x-api-key': 'abc' })).toEqual(expected);
  });

  it('refuses a wrong key or none with 401 unauthorized and a WWW-Authenticate challenge', () => {
    for (const headers of [{ authorization: 'Bearer abd' }, {}] as Record<string, string>[]) {
      const { passed, clientId } = run(parseApiKeys('abc'), headers);
      expect(clientId).toBeUndefined();
      expect(passed).toBeInstanceOf(AppError);
      const error = passed as AppError;
      expect([error.status, error.toBody(), error.headers]).toEqual([
        401,
        { error: { code: 'unauthorized', message: 'A valid API key is required.' } },
        { 'WWW-Authenticate': 'Bearer realm="translate"' },
      ]);
    }
  });

  it('an absent key is refused even when the digest of "" is configured', () => {
    const { passed } = run(parseApiKeys(`sha256:${SHA256_EMPTY}`), {});
    expect((passed as AppError).code).toBe('unauthorized');
  });
});
