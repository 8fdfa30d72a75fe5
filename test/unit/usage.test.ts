/** The pure parts of usage reports (shared/usage/): the days a query covers, billing per owner, the answer. */
import { describe, expect, it } from 'vitest';
import { billedByOwner } from '../../shared/usage/usage-counts.js';
import { usageExpiresAt, usageRange, utcDay } from '../../shared/usage/usage-days.js';
import { toUsageResponse, usageQuery } from '../../shared/usage/usage-report.js';

const NOON = Date.parse('2026-03-10T12:00:00Z');

describe('usageRange', () => {
  it('defaults to the 30 days up to today (UTC), oldest first', () => {
    const range = usageRange({}, NOON);
    if (!('days' in range)) throw new Error('refused');
    expect(range.days).toHaveLength(30);
    expect([range.days[0], range.days.at(-1)]).toEqual(['2026-02-09', '2026-03-10']);
  });

  it('takes from and to as given, across month and leap days; one day is from = to', () => {
    expect(usageRange({ from: '2024-02-28', to: '2024-03-01' }, NOON)).toEqual({
      days: ['2024-02-28', '2024-02-29', '2024-03-01'],
    });
    expect(usageRange({ from: '2026-03-10', to: '2026-03-10' }, NOON)).toEqual({ days: ['2026-03-10'] });
    expect(usageRange({ to: '2026-01-05' }, NOON)).toMatchObject({
      days: expect.arrayContaining(['2025-12-07']),
    });
  });

  it('allows 90 days, refuses 91 and a from after to', () => {
    const ninety = usageRange({ from: '2026-01-01', to: '2026-03-31' }, NOON);
    expect('days' in ninety && ninety.days.length).toBe(90);
    expect(usageRange({ from: '2026-01-01', to: '2026-04-01' }, NOON)).toEqual({
      problem: { path: 'query', message: 'covers 91 days; at most 90 are allowed (usage is kept 90 days)' },
    });
    expect(usageRange({ from: '2026-03-11', to: '2026-03-10' }, NOON)).toEqual({
      problem: { path: 'query.from', message: 'must not be after `to`' },
    });
  });
});

describe('usageQuery', () => {
  it('takes real YYYY-MM-DD dates only, and no other parameter', () => {
    expect(usageQuery.safeParse({ from: '2026-02-28', to: '2026-03-01' }).success).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '2026-3-1', '20260301', '2026-03-01T00:00:00Z', '']) {
      expect(usageQuery.safeParse({ from: bad }).success, bad).toBe(false);
    }
    expect(usageQuery.safeParse({ since: '2026-03-01' }).success).toBe(false);
  });
});

describe('days kept', () => {
  it('a day is its UTC date; its record expires 90 days after it ends', () => {
    expect(utcDay(Date.parse('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
    expect(utcDay(Date.parse('2026-03-11T00:00:00Z'))).toBe('2026-03-11');
    expect(usageExpiresAt('2026-03-10')).toBe(Date.parse('2026-06-09T00:00:00Z') / 1000);
  });
});

describe('billedByOwner', () => {
  it('sums the billed code points of each owner; texts that cost nothing make no entry', () => {
    const owners = ['a', 'b', 'a', 'a'];
    expect(billedByOwner([5, 2, 0, 3], owners)).toEqual(
      new Map([
        ['a', 8],
        ['b', 2],
      ]),
    );
    expect(billedByOwner([0, 0, 0, 0], owners)).toEqual(new Map());
  });
});

describe('toUsageResponse', () => {
  it('nests the characters of each day', () => {
    expect(
      toUsageResponse('app-a', [{ date: '2026-03-10', requests: 3, submitted: 30, billed: 20, cached: 10 }]),
    ).toEqual({
      key: 'app-a',
      days: [{ date: '2026-03-10', requests: 3, characters: { submitted: 30, billed: 20, cached: 10 } }],
    });
  });
});
