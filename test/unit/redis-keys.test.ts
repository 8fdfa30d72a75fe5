/**
 * The Redis key layout, pinned: deployed data (cache entries, batches, idempotency keys, counters,
 * BullMQ's job hashes) must stay readable after a change to shared/redis/keys.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisKeys } from '../../shared/redis/keys.js';

describe('RedisKeys', () => {
  const keys = new RedisKeys('{translate}');

  it('forms every key of the layout under the prefix', () => {
    expect(keys.cache('abc')).toBe('{translate}:cache:abc');
    expect(keys.inflight('abc')).toBe('{translate}:inflight:abc');
    expect(keys.itemIdKey()).toBe('{translate}:item-id-key');
    expect(keys.batch('b1')).toEqual({
      meta: '{translate}:batch:b1',
      items: '{translate}:batch:b1:items',
      results: '{translate}:batch:b1:results',
      started: '{translate}:batch:b1:started',
      settled: '{translate}:batch:b1:settled',
    });
    const sha = createHash('sha256').update('key:0123|client-key').digest('hex');
    expect(keys.batchIdempotency('key:0123|client-key')).toBe(`{translate}:batch-idem:${sha}`);
    expect(keys.providerQuota()).toEqual({
      chars: '{translate}:quota:chars',
      requests: '{translate}:quota:requests',
    });
    expect(keys.rateLimit('ip:127.0.0.1')).toBe('{translate}:ratelimit:ip:127.0.0.1');
    expect(keys.fairShare()).toEqual({
      pending: '{translate}:fair-share:pending',
      clock: '{translate}:fair-share:clock',
      taken: '{translate}:fair-share:taken',
      queuing: '{translate}:fair-share:queuing',
    });
    expect(keys.budgetDay('2026-12-01')).toBe('{translate}:budget:2026-12-01');
    expect(keys.languages('abc')).toBe('{translate}:languages:abc');
    expect(keys.keyBudgetDay('checkout', '2026-12-01')).toBe('{translate}:key-budget:checkout:2026-12-01');
    expect(keys.usageDay('checkout', '2026-12-01')).toBe('{translate}:usage:checkout:2026-12-01');
    expect(keys.job('translate', 'f00d')).toBe('{translate}:translate:f00d');
    expect(keys.glossary('key-0123abcd', 'cloud.terms')).toBe(
      '{translate}:glossary:key-0123abcd:cloud.terms',
    );
    expect(keys.glossaryIndex('open')).toBe('{translate}:glossaries:open');
  });

  it('escapes glob characters of the prefix in the pattern of all its keys', () => {
    expect(keys.allPattern()).toBe('{translate}:*');
    expect(new RedisKeys('a*b?[c]\\d').allPattern()).toBe('a\\*b\\?\\[c\\]\\\\d:*');
  });
});
