import { describe, expect, it } from 'vitest';
import { BatchWatchers, type BatchReading } from '../../api/batches/batch-watchers.js';
import type { BatchState } from '../../shared/batch-store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function state(completed: number): BatchState {
  return {
    id: 'b',
    status: 'running',
    total: 10,
    completed,
    failed: 0,
    cancelled: 0,
    cancelRequested: false,
    chunks: 1,
    createdAt: 0,
  };
}

describe('BatchWatchers: one reader per batch', () => {
  it('reads a batch once per interval however many follow it, and stops with the last one', async () => {
    const reads: string[] = [];
    const watchers = new BatchWatchers(async (id) => {
      reads.push(id);
      return state(reads.length);
    }, 20);
    const a: BatchReading[] = [];
    const b: BatchReading[] = [];
    const stopA = watchers.watch('b', (r) => a.push(r));
    const stopB = watchers.watch('b', (r) => b.push(r));
    expect(watchers.size).toBe(1);
    await sleep(110);
    stopA();
    expect(watchers.size).toBe(1);
    stopB();
    expect(watchers.size).toBe(0);
    const readsAtStop = reads.length;
    // One read per interval (about 6 in 110 ms), not one per follower.
    expect(readsAtStop).toBeGreaterThanOrEqual(3);
    expect(readsAtStop).toBeLessThanOrEqual(7);
    expect(a.length).toBe(readsAtStop);
    expect(b.length).toBe(readsAtStop);
    await sleep(60);
    expect(reads.length).toBe(readsAtStop);
  });

  it('hands a late follower the latest state at once, never synchronously', async () => {
    const watchers = new BatchWatchers(async () => state(4), 10_000);
    const stopFirst = watchers.watch('b', () => undefined);
    await sleep(10);
    const late: BatchReading[] = [];
    const stopLate = watchers.watch('b', (r) => late.push(r));
    expect(late).toEqual([]);
    await Promise.resolve();
    expect(late).toEqual([{ state: state(4) }]);
    stopFirst();
    stopLate();
  });

  it('passes read errors on, without keeping them for later followers', async () => {
    let fail = true;
    const watchers = new BatchWatchers(async () => {
      if (fail) throw new Error('redis away');
      return undefined;
    }, 10_000);
    const first: BatchReading[] = [];
    const stopFirst = watchers.watch('b', (r) => first.push(r));
    await sleep(10);
    expect(first).toHaveLength(1);
    expect('error' in first[0]!).toBe(true);
    fail = false;
    const late: BatchReading[] = [];
    const stopLate = watchers.watch('b', (r) => late.push(r));
    await sleep(10);
    expect(late).toEqual([]);
    stopFirst();
    stopLate();
  });
});
