/**
 * Tenants from API_KEYS and API_KEYS_FILE, and the refusals at start: a key setting that yields no
 * key, two keys of one name, a malformed digest.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.js';
import {
  isLoopbackHost,
  isTenantName,
  parseApiKeysFile,
  parseApiKeysSetting,
  parseTenants,
  TenantConfigError,
} from '../../shared/tenants.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

/** The problems a parse refuses with. */
function refusal(parse: () => unknown): string[] {
  try {
    parse();
  } catch (err) {
    if (err instanceof TenantConfigError || err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a refusal');
}

const fileKey = (name: string, secret = `sha256:${sha256(name)}`) => ({ name, secret });
const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('API_KEYS', () => {
  it('each key is a tenant named key-<first 8 hex of its SHA-256>; digests are taken as they are', () => {
    expect(parseApiKeysSetting(' abc , other ')).toEqual([
      { name: 'key-ba7816bf', digest: SHA256_ABC, limits: {}, weight: 1 },
      { name: `key-${sha256('other').slice(0, 8)}`, digest: sha256('other'), limits: {}, weight: 1 },
    ]);
    expect(parseApiKeysSetting(`SHA256:${SHA256_ABC.toUpperCase()}`)).toEqual([
      { name: 'key-ba7816bf', digest: SHA256_ABC, limits: {}, weight: 1 },
    ]);
  });

  it('refuses a setting that names no key: "," would turn authentication off', () => {
    for (const setting of [',', ' , ,', ',,,']) {
      expect(refusal(() => parseApiKeysSetting(setting))).toEqual([
        'API_KEYS: is set but names no key (an empty list would turn authentication off)',
      ]);
    }
  });

  it('refuses a malformed digest instead of taking it as a plain key, without echoing it', () => {
    expect(
      refusal(() =>
        parseApiKeysSetting(`ok, sha256:${SHA256_ABC.slice(1)}, sha256:${'g'.repeat(64)}, sha256:`),
      ),
    ).toEqual([
      'API_KEYS: entry 2 is a malformed digest (expected sha256:<64 hex digits>)',
      'API_KEYS: entry 3 is a malformed digest (expected sha256:<64 hex digits>)',
      'API_KEYS: entry 4 is a malformed digest (expected sha256:<64 hex digits>)',
    ]);
  });

  it('refuses one key listed twice: two tenants of one name', () => {
    expect(refusal(() => parseTenants({ apiKeys: `abc, sha256:${SHA256_ABC}` }))).toEqual([
      'API keys: two keys share the name "key-ba7816bf"',
    ]);
  });
});

describe('API_KEYS_FILE', () => {
  it('carries per key: name, digest, limits, weight and webhook secret', () => {
    const text = JSON.stringify({
      keys: [
        {
          name: 'app-a',
          secret: `sha256:${SHA256_ABC}`,
          limits: { requests_per_min: 600, chars_per_day: 1_000_000, max_batch_items: 500 },
          weight: 3,
          webhook_secret: WHSEC,
        },
        fileKey('app-b'),
      ],
    });
    expect(parseApiKeysFile(text)).toEqual([
      {
        name: 'app-a',
        digest: SHA256_ABC,
        limits: { requests_per_min: 600, chars_per_day: 1_000_000, max_batch_items: 500 },
        weight: 3,
        webhookSecret: WHSEC,
      },
      { name: 'app-b', digest: sha256('app-b'), limits: {}, weight: 1 },
    ]);
  });

  it('reads the same keys from YAML as from JSON', () => {
    const yaml = [
      '# two apps',
      'keys:',
      '  - name: app-a',
      `    secret: "sha256:${SHA256_ABC}"`,
      '    limits: { requests_per_min: 600, chars_per_day: 1000000, max_batch_items: 500 }',
      '    weight: 3',
      `    webhook_secret: ${WHSEC}`,
      '  - name: app-b',
      `    secret: sha256:${sha256('app-b')}`,
      '',
    ].join('\n');
    const json = JSON.stringify({
      keys: [
        {
          name: 'app-a',
          secret: `sha256:${SHA256_ABC}`,
          limits: { requests_per_min: 600, chars_per_day: 1_000_000, max_batch_items: 500 },
          weight: 3,
          webhook_secret: WHSEC,
        },
        fileKey('app-b'),
      ],
    });
    expect(parseApiKeysFile(yaml)).toEqual(parseApiKeysFile(json));
  });

  it('refuses a file that names no key, or is neither JSON nor YAML (naming the line, not its text)', () => {
    expect(refusal(() => parseApiKeysFile('{"keys": []}'))).toEqual(['API_KEYS_FILE: names no key']);
    expect(refusal(() => parseApiKeysFile('keys: []\n'))).toEqual(['API_KEYS_FILE: names no key']);
    const broken = refusal(() => parseApiKeysFile('keys:\n  - name: a\n    secret: [sha256:hidden-value\n'));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(/^API_KEYS_FILE: is neither JSON nor valid YAML \([A-Z_]+ at line \d+\)$/);
    expect(refusal(() => parseApiKeysFile('keys:\n  - name: a\n  - name: a\nkeys: []\n'))).toEqual([
      'API_KEYS_FILE: is neither JSON nor valid YAML (DUPLICATE_KEY at line 4)',
    ]);
    expect(refusal(() => parseApiKeysFile('just text'))).toEqual([
      'API_KEYS_FILE: Invalid input: expected object, received string',
    ]);
  });

  it('refuses a webhook secret not in the whsec_ form (per-key secrets never had the plain one)', () => {
    const problems = refusal(() =>
      parseApiKeysFile(
        JSON.stringify({
          keys: [
            { ...fileKey('a'), webhook_secret: 'a-plain-secret-of-32-characters!' },
            { ...fileKey('b'), webhook_secret: 'whsec_c2hvcnQ=' },
          ],
        }),
      ),
    );
    expect(problems).toEqual([
      'API_KEYS_FILE.keys[0].webhook_secret: must be whsec_<base64 of at least 24 random bytes>',
      'API_KEYS_FILE.keys[1].webhook_secret: must be whsec_ followed by the base64 of at least 24 random bytes (e.g. whsec_$(openssl rand -base64 32))',
    ]);
    expect(problems.join(' ')).not.toContain('a-plain-secret');
  });

  it('refuses a plain or malformed secret, naming the entry, never the value', () => {
    const problems = refusal(() =>
      parseApiKeysFile(
        JSON.stringify({ keys: [fileKey('a', 'plain-secret'), fileKey('b', `sha256:${SHA256_ABC}0`)] }),
      ),
    );
    expect(problems).toEqual([
      'API_KEYS_FILE.keys[0].secret: must be a digest: sha256:<64 hex digits>',
      'API_KEYS_FILE.keys[1].secret: must be a digest: sha256:<64 hex digits>',
    ]);
    expect(problems.join(' ')).not.toContain('plain-secret');
  });

  it('refuses bad names, weights, limits and unknown fields', () => {
    expect(
      refusal(() =>
        parseApiKeysFile(
          JSON.stringify({
            keys: [
              { ...fileKey('has space') },
              { ...fileKey('w'), weight: 0 },
              { ...fileKey('l'), limits: { chars_per_day: -1 } },
              { ...fileKey('x'), colour: 'red' },
            ],
          }),
        ),
      ),
    ).toEqual([
      'API_KEYS_FILE.keys[0].name: must be 1 to 64 letters, digits, _ . - (starting with a letter or digit)',
      'API_KEYS_FILE.keys[1].weight: Too small: expected number to be >=1',
      'API_KEYS_FILE.keys[2].limits.chars_per_day: Too small: expected number to be >=0',
      'API_KEYS_FILE.keys[3]: Unrecognized key: "colour"',
    ]);
  });

  it('refuses two keys of one name, one key under two names, and the reserved name "open"', () => {
    const file = JSON.stringify({
      keys: [
        fileKey('app-a'),
        fileKey('app-a', `sha256:${SHA256_ABC}`),
        fileKey('app-c', `sha256:${sha256('app-a')}`),
        fileKey('open'),
      ],
    });
    expect(refusal(() => parseTenants({ file }))).toEqual([
      'API keys: two keys share the name "app-a"',
      'API keys: the key named "app-c" is configured twice, under two names',
      'API keys: the name "open" is reserved for open mode',
    ]);
  });

  it('adds to API_KEYS; a file name may not take a name API_KEYS derived', () => {
    expect(parseTenants({ apiKeys: 'abc', file: JSON.stringify({ keys: [fileKey('app-b')] }) })).toHaveLength(
      2,
    );
    const file = JSON.stringify({ keys: [fileKey('key-ba7816bf')] });
    expect(refusal(() => parseTenants({ apiKeys: 'abc', file }))).toEqual([
      'API keys: two keys share the name "key-ba7816bf"',
    ]);
  });
});

describe('loadConfig: tenants and the cache scope', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('no keys: open mode, shared cache; keys: tenant cache by default; CACHE_SCOPE overrides', () => {
    expect([loadConfig({}).TENANTS, loadConfig({}).CACHE_SCOPE]).toEqual([[], 'shared']);
    const keyed = loadConfig({ API_KEYS: 'abc' });
    expect([keyed.TENANTS.map((t) => t.name), keyed.CACHE_SCOPE]).toEqual([['key-ba7816bf'], 'tenant']);
    expect(loadConfig({ API_KEYS: 'abc', CACHE_SCOPE: 'shared' }).CACHE_SCOPE).toBe('shared');
    expect(loadConfig({ CACHE_SCOPE: 'tenant' }).CACHE_SCOPE).toBe('tenant');
  });

  it('reads API_KEYS_FILE in YAML', () => {
    const path = join(dir, 'keys.yaml');
    writeFileSync(
      path,
      `keys:\n  - name: app-y\n    secret: sha256:${sha256('app-y')}\n    limits:\n      chars_per_day: 10\n`,
    );
    expect(loadConfig({ API_KEYS_FILE: path }).TENANTS).toEqual([
      { name: 'app-y', digest: sha256('app-y'), limits: { chars_per_day: 10 }, weight: 1 },
    ]);
  });

  it('reads API_KEYS_FILE once, at load', () => {
    const path = join(dir, 'keys.json');
    writeFileSync(path, JSON.stringify({ keys: [{ ...fileKey('app-a'), weight: 2 }] }));
    const config = loadConfig({ API_KEYS_FILE: path });
    expect(config.TENANTS).toEqual([{ name: 'app-a', digest: sha256('app-a'), limits: {}, weight: 2 }]);
    expect(config.CACHE_SCOPE).toBe('tenant');
  });

  it('refuses to start with a readable message: no key, duplicate name, malformed digest, unreadable file', () => {
    const dup = join(dir, 'dup.json');
    writeFileSync(dup, JSON.stringify({ keys: [fileKey('a'), fileKey('a', `sha256:${SHA256_ABC}`)] }));
    expect(() => loadConfig({ API_KEYS: ',' })).toThrow(
      'Invalid configuration:\n  - API_KEYS: is set but names no key (an empty list would turn authentication off)',
    );
    expect(refusal(() => loadConfig({ API_KEYS_FILE: dup }))).toEqual([
      'API keys: two keys share the name "a"',
    ]);
    expect(refusal(() => loadConfig({ API_KEYS: 'sha256:abc' }))).toEqual([
      'API_KEYS: entry 1 is a malformed digest (expected sha256:<64 hex digits>)',
    ]);
    expect(refusal(() => loadConfig({ API_KEYS_FILE: join(dir, 'missing.json') }))).toEqual([
      'API_KEYS_FILE: cannot be read (ENOENT)',
    ]);
    expect(refusal(() => loadConfig({ CACHE_SCOPE: 'everyone' }))[0]).toMatch(/^CACHE_SCOPE: /);
  });
});

describe('isLoopbackHost (the open-mode warning)', () => {
  it('loopback names and addresses only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('isTenantName', () => {
  it('accepts what a tenant may be named, nothing that could reach into another Redis key', () => {
    for (const name of ['open', 'key-ba7816bf', 'app-a', 'A.b_c-1'])
      expect(isTenantName(name), name).toBe(true);
    for (const name of ['', 'a:b', 'a b', '-a', 'a*', 'x'.repeat(65)])
      expect(isTenantName(name), name).toBe(false);
  });
});
