import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../shared/timeout.js';

const never = new Promise<never>(() => {});
const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(r, ms, value));

describe('withTimeout', () => {
  it('settles as the promise does when it is in time', async () => {
    await expect(withTimeout(later(1, 'done'), 1000, () => 'late')).resolves.toBe('done');
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000, () => 'late')).rejects.toThrow('boom');
  });

  it('returns the fallback, or throws what onTimeout throws, once the time is up', async () => {
    await expect(withTimeout(never, 5, () => 'fallback')).resolves.toBe('fallback');
    await expect(
      withTimeout(never, 5, () => {
        throw new Error('too slow');
      }),
    ).rejects.toThrow('too slow');
  });

  it('ignores a rejection that comes after the time is up', async () => {
    const lateFailure = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 20));
    await expect(withTimeout(lateFailure, 1, () => 'fallback')).resolves.toBe('fallback');
    await later(30, undefined); // an unhandled rejection would fail the run
  });
});
