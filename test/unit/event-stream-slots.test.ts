import { describe, expect, it } from 'vitest';
import { EventStreamSlots } from '../../api/admission/event-stream-slots.js';
import { AppError } from '../../shared/errors.js';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('EventStreamSlots (MAX_EVENT_STREAMS_PER_KEY, MAX_EVENT_STREAMS)', () => {
  it('refuses a client past its own bound with 429 rate_limited, others still get slots', () => {
    const slots = new EventStreamSlots({ perProcess: 10, perClient: 2 });
    slots.take('key:a');
    slots.take('key:a');
    const err = refusal(() => slots.take('key:a'));
    expect(err.status).toBe(429);
    expect(err.headers).toEqual({ 'Retry-After': '5' });
    expect(err.toBody()).toEqual({
      error: {
        code: 'rate_limited',
        message: 'Too many event streams open for this client; close one or retry later.',
        details: [{ message: '2 event streams of this client are open (limit 2).' }],
      },
    });
    expect(() => slots.take('key:b')).not.toThrow();
    expect(slots.size).toBe(3);
  });

  it('refuses anyone past the process bound with 429 overloaded', () => {
    const slots = new EventStreamSlots({ perProcess: 2, perClient: 5 });
    slots.take('key:a');
    slots.take('key:b');
    const err = refusal(() => slots.take('key:c'));
    expect(err.status).toBe(429);
    expect(err.headers).toEqual({ 'Retry-After': '5' });
    expect(err.toBody()).toEqual({
      error: {
        code: 'overloaded',
        message: 'The service is overloaded; retry later.',
        details: [{ message: '2 event streams are open (limit 2).' }],
      },
    });
  });

  it('a release frees the slot once, for its client and the process', () => {
    const slots = new EventStreamSlots({ perProcess: 2, perClient: 1 });
    const release = slots.take('key:a');
    expect(() => slots.take('key:a')).toThrow(AppError);
    release();
    release();
    expect(slots.size).toBe(0);
    slots.take('key:a');
    slots.take('key:b');
    expect(() => slots.take('key:c')).toThrow(AppError);
  });
});
