import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, providerSettings, usesEmulator } from '../../shared/config.js';

/** The problems ConfigError lists for `env`. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const TRUST_PROXY_HINT =
  'TRUST_PROXY: expected true, false, a hop count, or addresses/subnets (loopback, 10.0.0.0/8, ...)';

describe('loadConfig', () => {
  it('gives every setting its documented default in an empty environment', () => {
    expect(loadConfig({})).toEqual({
      PORT: 3000,
      HOST: '0.0.0.0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: '{translate}',
      SYNC_WAIT_MS: 30_000,
      SYNC_WAIT_MAX_MS: 120_000,
      MAX_TEXT_CHARS: 5000,
      MAX_BODY_BYTES: 1_048_576,
      RESULT_TTL_S: 86_400,
      RESULT_MAX_COUNT: 0,
      API_DRAIN_MS: 5000,
      WORKER_CONCURRENCY: 1000,
      JOB_ATTEMPTS: 3,
      JOB_BACKOFF_MS: 500,
      STALLED_INTERVAL_MS: 30_000,
      LOCK_DURATION_MS: 30_000,
      SHUTDOWN_GRACE_MS: 25_000,
      MAX_BATCH_ITEMS: 10_000,
      MAX_BATCH_BODY_BYTES: 16_777_216,
      BATCH_WORKER_CONCURRENCY: 8,
      BATCH_CHUNK_MAX_CHARS: 5000,
      BATCH_EVENTS_INTERVAL_MS: 250,
      MAX_EVENT_STREAMS: 1000,
      MAX_EVENT_STREAMS_PER_KEY: 20,
      WEBHOOK_ALLOW_PRIVATE: false,
      WEBHOOK_ATTEMPTS: 8,
      WEBHOOK_BACKOFF_MS: 1000,
      WEBHOOK_TIMEOUT_MS: 5000,
      PROVIDER_MAX_CHARS_PER_MIN: 6_000_000,
      PROVIDER_MAX_RPS: 0,
      PROVIDER_QUOTA_PAUSE_MS: 1000,
      PROVIDER_QUOTA_RETRIES: 10,
      MAX_QUEUE_DEPTH: 100_000,
      MAX_BATCH_BACKLOG: 20_000,
      MAX_OPEN_WAITS: 20_000,
      API_OPTIMIZE_FOR_SIZE: false,
      DAILY_CHAR_BUDGET: 0,
      RATE_LIMIT_PER_MIN: 0,
      TRUST_PROXY: false,
      PROVIDER_TIMEOUT_MS: 15_000,
      PROVIDER_CONCURRENCY: 64,
      PROVIDER_BATCHING: true,
      PROVIDER_BATCH_WINDOW_MS: 0,
      PROVIDER_BATCH_MAX_CHARS: 5000,
      CACHE_TTL_S: 2_592_000,
      LOG_LEVEL: 'info',
      QUEUE_METRICS_INTERVAL_MS: 5000,
      ADMIN_USER: 'admin',
      TRACING_ENABLED: false,
      EMULATOR_PORT: 8089,
      EMULATOR_LATENCY_MS: 0,
      EMULATOR_FAULT_RATE: 0,
      EMULATOR_FAULT_KIND: '503',
      TENANTS: [],
      CACHE_SCOPE: 'shared',
    });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('parses numbers and booleans from strings; overrides win over the environment', () => {
    const config = loadConfig(
      { PORT: '8080', PROVIDER_BATCHING: 'off', TRACING_ENABLED: 'yes', EMULATOR_FAULT_RATE: '0.25' },
      { PORT: '9090' },
    );
    expect([
      config.PORT,
      config.PROVIDER_BATCHING,
      config.TRACING_ENABLED,
      config.EMULATOR_FAULT_RATE,
    ]).toEqual([9090, false, true, 0.25]);
  });

  it('trims optional strings and treats blank ones as unset', () => {
    const config = loadConfig({
      API_KEYS: '   ',
      GOOGLE_TRANSLATE_API_KEY: ' key ',
      WORKER_METRICS_PORT: ' ',
    });
    expect(config.API_KEYS).toBeUndefined();
    expect(config.GOOGLE_TRANSLATE_API_KEY).toBe('key');
    expect(config.WORKER_METRICS_PORT).toBeUndefined();
    expect(loadConfig({ WORKER_METRICS_PORT: '9464' }).WORKER_METRICS_PORT).toBe(9464);
  });

  it('reports every problem together, naming the setting and what was expected', () => {
    expect(
      problems({
        PORT: 'abc',
        JOB_ATTEMPTS: '0',
        LOG_LEVEL: 'loud',
        WEBHOOK_ALLOW_PRIVATE: 'maybe',
        QUEUE_PREFIX: 'a b',
        EMULATOR_FAULT_RATE: '2',
        MAX_TEXT_CHARS: '1.5',
        WORKER_METRICS_PORT: '70000',
      }),
    ).toEqual([
      'PORT: Invalid input: expected number, received NaN (got "abc")',
      'QUEUE_PREFIX: letters, digits and _ : { } . - only (got "a b")',
      'MAX_TEXT_CHARS: Invalid input: expected int, received number (got "1.5")',
      'JOB_ATTEMPTS: Too small: expected number to be >=1 (got "0")',
      'WEBHOOK_ALLOW_PRIVATE: expected true or false (got "maybe")',
      'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent" (got "loud")',
      'WORKER_METRICS_PORT: Too big: expected number to be <=65535 (got "70000")',
      'EMULATOR_FAULT_RATE: Too big: expected number to be <=1 (got "2")',
    ]);
  });

  it('says it all in one readable message', () => {
    expect(() => loadConfig({ PORT: '-1', JOB_ATTEMPTS: 'x' })).toThrow(
      new ConfigError([
        'PORT: Too small: expected number to be >=0 (got "-1")',
        'JOB_ATTEMPTS: Invalid input: expected number, received NaN (got "x")',
      ]),
    );
    expect(new ConfigError(['A: bad', 'B: worse']).message).toBe(
      'Invalid configuration:\n  - A: bad\n  - B: worse',
    );
  });

  it('never echoes the value of a secret or a URL', () => {
    expect(
      problems({
        REDIS_URL: 'http://user:hunter2@redis:6379',
        WEBHOOK_SECRET: 'hunter2',
        GOOGLE_CLOUD_TRANSLATE_ENDPOINT: 'x',
        PROVIDER_TIMEOUT_MS: '5',
      }),
    ).toEqual([
      'REDIS_URL: expected a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL',
      'WEBHOOK_SECRET: must be at least 16 characters',
      'PROVIDER_TIMEOUT_MS: Too small: expected number to be >=100 (got "5")',
    ]);
  });

  it('accepts every Redis URL form', () => {
    for (const url of [
      'redis://h:6379',
      'rediss://:pw@h:6380',
      'redis+cluster://a:1,b:2',
      'rediss+cluster://a:1',
    ]) {
      expect(loadConfig({ REDIS_URL: url }).REDIS_URL).toBe(url);
    }
  });

  it('on Redis Cluster, wants a hash-tagged prefix', () => {
    expect(problems({ REDIS_URL: 'redis+cluster://a:1,b:2', QUEUE_PREFIX: 'plain' })).toEqual([
      'QUEUE_PREFIX: must contain a hash tag like {translate} on Redis Cluster, so every key shares one slot (got "plain")',
    ]);
    expect(loadConfig({ REDIS_URL: 'redis+cluster://a:1', QUEUE_PREFIX: 'tq{x}' }).QUEUE_PREFIX).toBe(
      'tq{x}',
    );
  });

  it('refuses a default wait longer than the longest wait', () => {
    expect(problems({ SYNC_WAIT_MS: '5000', SYNC_WAIT_MAX_MS: '1000' })).toEqual([
      'SYNC_WAIT_MS (5000) must not exceed SYNC_WAIT_MAX_MS (1000)',
    ]);
    expect(loadConfig({ SYNC_WAIT_MS: '1000', SYNC_WAIT_MAX_MS: '1000' }).SYNC_WAIT_MS).toBe(1000);
  });
});

describe('TRUST_PROXY', () => {
  const trustProxy = (value: string) => loadConfig({ TRUST_PROXY: value }).TRUST_PROXY;

  it('false when unset, empty or "false"; true for "true"', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy(' false ')).toBe(false);
    expect(trustProxy('true')).toBe(true);
  });

  it('a hop count', () => {
    expect(trustProxy('0')).toBe(0);
    expect(trustProxy('2')).toBe(2);
  });

  it('a list of named ranges, addresses, CIDR subnets and IPv4 netmasks, trimmed', () => {
    expect(trustProxy('loopback, linklocal,uniquelocal')).toEqual(['loopback', 'linklocal', 'uniquelocal']);
    expect(trustProxy('10.0.0.0/8, 192.168.1.1')).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(trustProxy('::1/128,fd00::/8,2001:db8::1')).toEqual(['::1/128', 'fd00::/8', '2001:db8::1']);
    expect(trustProxy('10.0.0.0/255.0.0.0')).toEqual(['10.0.0.0/255.0.0.0']);
  });

  it('refuses anything else, listing the entries it did not understand', () => {
    expect(problems({ TRUST_PROXY: 'loopback, nope, 10.0.0.0/33' })).toEqual([
      `${TRUST_PROXY_HINT}; not nope, 10.0.0.0/33 (got "loopback, nope, 10.0.0.0/33")`,
    ]);
    for (const bad of ['yes', '-1', '1.2.3.4/24/1', 'fd00::/255.0.0.0', '::1/129']) {
      expect(problems({ TRUST_PROXY: bad })).toEqual([`${TRUST_PROXY_HINT}; not ${bad} (got "${bad}")`]);
    }
  });
});

describe('usesEmulator and providerSettings', () => {
  it('without credentials: the local emulator on EMULATOR_PORT, with a placeholder key', () => {
    const config = loadConfig({ EMULATOR_PORT: '9999' });
    expect(usesEmulator(config)).toBe(true);
    expect(providerSettings(config)).toEqual({
      key: 'emulator-key',
      endpoint: 'http://127.0.0.1:9999/language/translate/v2',
    });
  });

  it('without credentials but with an endpoint: that endpoint', () => {
    const config = loadConfig({ GOOGLE_CLOUD_TRANSLATE_ENDPOINT: 'http://emu:8089/language/translate/v2' });
    expect(providerSettings(config)).toEqual({
      key: 'emulator-key',
      endpoint: 'http://emu:8089/language/translate/v2',
    });
  });

  it('with an API key: Google with that key, at its default endpoint unless one is set', () => {
    const config = loadConfig({ GOOGLE_TRANSLATE_API_KEY: 'k1' });
    expect(usesEmulator(config)).toBe(false);
    expect(providerSettings(config)).toEqual({ key: 'k1' });
    expect(
      providerSettings(
        loadConfig({ GOOGLE_TRANSLATE_API_KEY: 'k1', GOOGLE_CLOUD_TRANSLATE_ENDPOINT: 'https://p/v2' }),
      ),
    ).toEqual({ key: 'k1', endpoint: 'https://p/v2' });
  });

  it('with service-account credentials: Google, no key', () => {
    const config = loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: '/secrets/sa.json' });
    expect(usesEmulator(config)).toBe(false);
    expect(providerSettings(config)).toEqual({});
  });
});
