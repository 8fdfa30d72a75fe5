import { describe, expect, it } from 'vitest';
import { basicCredentials, bearerToken, secretMatches } from '../../shared/auth-token.js';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('bearerToken', () => {
  it('reads the token, case-insensitively, trailing spaces allowed', () => {
    expect(bearerToken('Bearer s3cret')).toBe('s3cret');
    expect(bearerToken('bearer   s3cret  ')).toBe('s3cret');
  });

  it('nothing for no header, another scheme, an empty or a two-part token', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Basic YTpi')).toBeUndefined();
    expect(bearerToken('s3cret')).toBeUndefined();
  });
});

describe('basicCredentials', () => {
  it('splits user and password at the first colon; the password may hold colons and UTF-8', () => {
    expect(basicCredentials(basic('admin:pw'))).toEqual({ user: 'admin', password: 'pw' });
    expect(basicCredentials(basic('admin:a:b:c'))).toEqual({ user: 'admin', password: 'a:b:c' });
    expect(basicCredentials(basic('ädmin:pässwörd'))).toEqual({ user: 'ädmin', password: 'pässwörd' });
    expect(basicCredentials(`basic ${Buffer.from(':').toString('base64')}`)).toEqual({
      user: '',
      password: '',
    });
  });

  it('nothing without a colon, without the Basic scheme, or with characters outside base64', () => {
    expect(basicCredentials(basic('admin'))).toBeUndefined();
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('Bearer YWRtaW46cHc=')).toBeUndefined();
    expect(basicCredentials('Basic YWRt!W46cHc=')).toBeUndefined();
    expect(basicCredentials('Basic ')).toBeUndefined();
  });
});

describe('secretMatches', () => {
  it('true only for the same bytes', () => {
    expect(secretMatches('s3cret', 's3cret')).toBe(true);
    expect(secretMatches('s3creT', 's3cret')).toBe(false);
    expect(secretMatches('s3cre', 's3cret')).toBe(false);
    expect(secretMatches('s3cret!', 's3cret')).toBe(false);
    expect(secretMatches('', '')).toBe(true);
    expect(secretMatches(undefined, 's3cret')).toBe(false);
  });
});
