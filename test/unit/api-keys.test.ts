import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { presentedKey, requireApiKey, requestTenant } from '../../api/http/api-keys.js';
import { AppError } from '../../shared/errors.js';
import { OPEN_TENANT, parseTenants, type Tenant } from '../../shared/tenants.js';

/** SHA-256 test vectors (FIPS 180-2): "abc" and "". */
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const keys = (setting: string) => parseTenants({ apiKeys: setting });

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
  /** What the middleware passes to next(), and the tenant and client id it records. */
  function run(tenants: readonly Tenant[], headers: Record<string, string>) {
    const res = { locals: {} as Record<string, unknown> };
    let passed: unknown = 'next not called';
    requireApiKey(tenants)({ headers } as unknown as Request, res as unknown as Response, (err?: unknown) => {
      passed = err;
    });
    return { passed, tenant: (res.locals.tenant as Tenant | undefined)?.name, clientId: res.locals.clientId };
  }

  it('without keys, lets everything through as the open tenant', () => {
    expect(run([], {})).toEqual({ passed: undefined, tenant: 'open', clientId: undefined });
    expect(run([], { authorization: 'Bearer anything' }).tenant).toBe(OPEN_TENANT.name);
  });

  it('accepts a configured key, plain or by digest, naming its tenant and the client by its digest', () => {
    const expected = {
      passed: undefined,
      tenant: `key-${SHA256_ABC.slice(0, 8)}`,
      clientId: `key:${SHA256_ABC.slice(0, 24)}`,
    };
    expect(run(keys('other,abc'), { authorization: 'Bearer abc' })).toEqual(expected);
    expect(run(keys(`sha256:${SHA256_ABC}`), { 'x-api-key': 'abc' })).toEqual(expected);
  });

  it('names the tenant of the key presented, among several', () => {
    const tenants: Tenant[] = [
      { name: 'app-a', digest: SHA256_ABC, limits: {}, weight: 1 },
      { name: 'app-b', digest: SHA256_EMPTY.replace(/^e/, 'f'), limits: {}, weight: 2 },
    ];
    expect(run(tenants, { authorization: 'Bearer abc' }).tenant).toBe('app-a');
  });

  it('refuses a wrong key or none with 401 unauthorized and a WWW-Authenticate challenge', () => {
    for (const headers of [{ authorization: 'Bearer abd' }, {}] as Record<string, string>[]) {
      const { passed, clientId, tenant } = run(keys('abc'), headers);
      expect([clientId, tenant]).toEqual([undefined, undefined]);
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
    const { passed } = run(keys(`sha256:${SHA256_EMPTY}`), {});
    expect((passed as AppError).code).toBe('unauthorized');
  });

  it('requestTenant reads the tenant; a route without it is a bug (500)', () => {
    expect(requestTenant({ locals: { tenant: OPEN_TENANT } } as unknown as Response)).toBe(OPEN_TENANT);
    expect(() => requestTenant({ locals: {} } as unknown as Response)).toThrow(AppError);
  });
});
