import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuotaBackoff } from '../../worker/processors/quota-backoff.js';

describe('QuotaBackoff', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  /** The pause for a quota answer received after any running pause is over. */
  function nextAfterPause(backoff: QuotaBackoff, atLeastStep?: number): number {
    vi.advanceTimersByTime(60_000);
    return backoff.next(atLeastStep);
  }

  it('doubles the pause while quota answers keep coming, up to the maximum', () => {
    const backoff = new QuotaBackoff(100, 1000, () => 1);
    const pauses = [backoff.next(), ...Array.from({ length: 5 }, () => nextAfterPause(backoff))];
    expect(pauses).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('caps at 64 × base and never over a minute by default', () => {
    expect(new QuotaBackoff(100, undefined, () => 1).next(10)).toBe(6400);
    expect(new QuotaBackoff(2000, undefined, () => 1).next(10)).toBe(60_000);
  });

  it.each([
    [0, 400],
    [0.5, 600],
    [1, 800],
  ])('equal jitter: random %d gives %i of a ceiling of 800 (never under half)', (random, pause) => {
    expect(new QuotaBackoff(100, 10_000, () => random).next(3)).toBe(pause);
  });

  it('starts from the step the job reached elsewhere (atLeastStep)', () => {
    const backoff = new QuotaBackoff(100, 10_000, () => 1);
    expect(backoff.next(2)).toBe(400);
    expect(nextAfterPause(backoff)).toBe(800);
    // A lower step does not lower the escalation this process reached.
    expect(nextAfterPause(backoff, 0)).toBe(1600);
  });

  it('answers during a running pause get what is left of it and do not escalate', () => {
    const backoff = new QuotaBackoff(100, 10_000, () => 1);
    expect(backoff.next()).toBe(100);
    vi.advanceTimersByTime(30);
    expect(backoff.next()).toBe(70);
    expect(backoff.next(5)).toBe(70);
    expect(nextAfterPause(backoff)).toBe(200);
  });

  it('a success after the pause resets to the base pause', () => {
    const backoff = new QuotaBackoff(100, 10_000, () => 1);
    backoff.next();
    nextAfterPause(backoff);
    vi.advanceTimersByTime(60_000);
    backoff.success();
    expect(backoff.next()).toBe(100);
  });

  it('a success during a running pause (a call sent before it) does not reset', () => {
    const backoff = new QuotaBackoff(100, 10_000, () => 1);
    backoff.next();
    backoff.success();
    expect(nextAfterPause(backoff)).toBe(200);
  });
});
