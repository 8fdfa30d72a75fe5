import { describe, expect, it } from 'vitest';
import { isFinal, toStatusResponse } from '../../shared/batch-store.js';

const state = {
  id: 'b1',
  status: 'running' as const,
  total: 5,
  completed: 2,
  failed: 1,
  cancelled: 0,
  cancelRequested: false,
  chunks: 2,
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
};

describe('isFinal', () => {
  it('every status but running is final', () => {
    expect(isFinal('running')).toBe(false);
    expect(isFinal('completed')).toBe(true);
    expect(isFinal('completed_with_errors')).toBe(true);
    expect(isFinal('cancelled')).toBe(true);
  });
});

describe('toStatusResponse', () => {
  it('a running batch: counts and an ISO created_at, no finished_at, nothing internal', () => {
    expect(
      toStatusResponse({ ...state, callbackUrl: 'https://example.com/hook', cancelRequested: true }),
    ).toEqual({
      batch_id: 'b1',
      status: 'running',
      total: 5,
      completed: 2,
      failed: 1,
      cancelled: 0,
      created_at: '2026-01-02T03:04:05.678Z',
    });
  });

  it('a finished batch carries finished_at', () => {
    expect(
      toStatusResponse({
        ...state,
        status: 'completed_with_errors',
        completed: 4,
        finishedAt: Date.UTC(2026, 0, 2, 3, 5),
      }),
    ).toEqual({
      batch_id: 'b1',
      status: 'completed_with_errors',
      total: 5,
      completed: 4,
      failed: 1,
      cancelled: 0,
      created_at: '2026-01-02T03:04:05.678Z',
      finished_at: '2026-01-02T03:05:00.000Z',
    });
  });
});
