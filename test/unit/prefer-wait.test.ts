import { describe, expect, it } from 'vitest';
import { preferredWaitMs } from '../../api/http/prefer-wait.js';
import { ValidationError } from '../../shared/errors.js';

const DEFAULT = 30_000;
const MAX = 120_000;
const wait = (header: string | undefined) => preferredWaitMs(header, DEFAULT, MAX);

describe('preferredWaitMs (Prefer: wait=N, respond-async)', () => {
  it('without a header, or an empty one, waits the default', () => {
    expect(wait(undefined)).toBe(30_000);
    expect(wait('')).toBe(30_000);
  });

  it('wait=N is seconds, fractions rounded to the millisecond', () => {
    expect(wait('wait=10')).toBe(10_000);
    expect(wait('wait=0')).toBe(0);
    expect(wait('wait=1.5')).toBe(1500);
    expect(wait('wait=0.0004')).toBe(0);
    expect(wait('wait=0.0006')).toBe(1);
  });

  it('is capped at the maximum', () => {
    expect(wait('wait=121')).toBe(120_000);
    expect(wait('wait=999999999')).toBe(120_000);
  });

  it('caps the default too when the header names no wait', () => {
    expect(preferredWaitMs('return=minimal', 30_000, 5000)).toBe(5000);
  });

  it('reads names case-insensitively, with spaces, quotes and parameters', () => {
    expect(wait('WAIT=7')).toBe(7000);
    expect(wait('  wait = 7 ')).toBe(7000);
    expect(wait('wait="7"')).toBe(7000);
    expect(wait('wait=7; foo=bar')).toBe(7000);
  });

  it('respond-async answers at once', () => {
    expect(wait('respond-async')).toBe(0);
    expect(wait('Respond-Async')).toBe(0);
  });

  it('of several preferences, the last one that sets the wait wins', () => {
    expect(wait('respond-async, wait=5')).toBe(5000);
    expect(wait('wait=5, respond-async')).toBe(0);
    expect(wait('wait=5, wait=8')).toBe(8000);
  });

  it('ignores preferences it does not know (RFC 7240)', () => {
    expect(wait('return=minimal')).toBe(30_000);
    expect(wait('handling=lenient, return=representation, wait=3')).toBe(3000);
    expect(wait('waiting=3')).toBe(30_000);
  });

  it.each(['wait=', 'wait=abc', 'wait=-1', 'wait=1e3', 'wait=.5', 'wait=5.', 'wait=1234567890', 'wait=0x10'])(
    '%s is a 400 validation_failed naming the header',
    (header) => {
      let thrown: unknown;
      try {
        wait(header);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).status).toBe(400);
      expect((thrown as ValidationError).toBody()).toEqual({
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [{ path: 'headers.prefer', message: 'wait must be a number of seconds, like "wait=10"' }],
        },
      });
    },
  );

  it('a bad wait is refused even when a later preference would override it', () => {
    expect(() => wait('wait=x, respond-async')).toThrow(ValidationError);
  });
});
