import { describe, expect, it } from 'vitest';
import { parseClusterUrl, redisOptions } from '../../shared/redis.js';

describe('parseClusterUrl', () => {
  it('seed nodes, with the default port when none is given', () => {
    expect(parseClusterUrl('redis+cluster://a:7000,b:7001,c')).toEqual({
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
        { host: 'c', port: 6379 },
      ],
      tls: false,
    });
  });

  it('TLS, and user and password decoded from the URL', () => {
    expect(parseClusterUrl('rediss+cluster://us%40r:p%3Aw@h1, h2:7002/')).toEqual({
      nodes: [
        { host: 'h1', port: 6379 },
        { host: 'h2', port: 7002 },
      ],
      tls: true,
      username: 'us@r',
      password: 'p:w',
    });
    expect(parseClusterUrl('redis+cluster://:pw@h')).toEqual({
      nodes: [{ host: 'h', port: 6379 }],
      tls: false,
      password: 'pw',
    });
    expect(parseClusterUrl('redis+cluster://user@h')).toEqual({
      nodes: [{ host: 'h', port: 6379 }],
      tls: false,
      username: 'user',
    });
  });

  it('undefined for a single-node URL or a cluster URL with a database path', () => {
    expect(parseClusterUrl('redis://h:6379')).toBeUndefined();
    expect(parseClusterUrl('rediss://h:6380')).toBeUndefined();
    expect(parseClusterUrl('redis+cluster://h/0')).toBeUndefined();
  });
});

describe('redisOptions', () => {
  it('producer (API): fails fast, no offline queue', () => {
    const { retryStrategy, ...rest } = redisOptions('producer');
    expect(rest).toEqual({ maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
    expect(typeof retryStrategy).toBe('function');
  });

  it('blocking (workers): retries every command, queues while offline', () => {
    const { retryStrategy, ...rest } = redisOptions('blocking');
    expect(rest).toEqual({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    expect(typeof retryStrategy).toBe('function');
  });

  it('reconnects after 100 ms, doubling up to 2 s', () => {
    for (const role of ['producer', 'blocking'] as const) {
      const retry = redisOptions(role).retryStrategy!;
      expect([0, 1, 2, 3, 4, 5, 6, 50].map((times) => retry(times))).toEqual([
        100, 200, 400, 800, 1600, 2000, 2000, 2000,
      ]);
    }
  });
});
