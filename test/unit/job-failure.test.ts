import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../shared/errors.js';
import {
  UNKNOWN_FAILURE,
  decodeItemFailure,
  decodeJobFailure,
  encodeItemFailure,
  encodeJobFailure,
} from '../../shared/jobs/job-failure.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];
const GENERIC = { code: 'provider_error', message: 'The translation failed.' };

describe('job-level failures (BullMQ failedReason)', () => {
  it.each(CODES)('round-trips %s', (code) => {
    const failure = { code, message: `why ${code}` };
    expect(decodeJobFailure(encodeJobFailure(failure))).toEqual(failure);
  });

  it('keeps only code and message', () => {
    const reason = encodeJobFailure({
      code: 'unsupported_language',
      message: 'm',
      status: 400,
    } as { code: ErrorCode; message: string });
    expect(JSON.parse(reason.slice(reason.indexOf('{')))).toEqual({
      code: 'unsupported_language',
      message: 'm',
    });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ["BullMQ's own reason", 'job stalled more than allowable limit'],
    [
      'an item error read as a reason (the old bug)',
      JSON.stringify({ code: 'unsupported_language', message: 'm' }),
    ],
    ['unreadable JSON after the mark', 'E1:{not json'],
    ['an unknown code', 'E1:{"code":"no_such_code","message":"internal detail"}'],
    ['a prototype name as code', 'E1:{"code":"toString","message":"x"}'],
    ['no message', 'E1:{"code":"unauthorized"}'],
    ['a non-object', 'E1:"provider_auth"'],
  ])('decodes %s as a generic provider_error', (_, reason) => {
    expect(decodeJobFailure(reason)).toEqual(GENERIC);
  });

  it('hands out copies of the generic failure', () => {
    const failure = decodeJobFailure(undefined);
    failure.message = 'changed';
    expect(UNKNOWN_FAILURE).toEqual(GENERIC);
  });
});

describe('item-level failures ({ error } in a job result, { e } in a batch result)', () => {
  it.each(CODES)('round-trips %s, through JSON as Redis stores it', (code) => {
    const failure = { code, message: `why ${code}` };
    const stored = JSON.parse(JSON.stringify({ error: encodeItemFailure(failure) })) as { error: unknown };
    expect(decodeItemFailure(stored.error)).toEqual(failure);
  });

  it('carries the details of an unsafe output through both codecs, and only their client fields', () => {
    const failure = {
      code: 'unsafe_output' as const,
      message: 'The translation failed its checks (placeholder_missing), also when retried.',
      details: [{ kind: 'placeholder_missing', message: '"{name}" is missing' }],
    };
    const stored = JSON.parse(JSON.stringify({ error: encodeItemFailure(failure) })) as { error: unknown };
    expect(decodeItemFailure(stored.error)).toEqual(failure);
    expect(decodeJobFailure(encodeJobFailure(failure))).toEqual(failure);
    const extra = { ...failure, details: [{ kind: 'k', message: 'm', secret: 'x' }] };
    expect(decodeItemFailure(JSON.parse(JSON.stringify(extra)))).toEqual({
      ...failure,
      details: [{ kind: 'k', message: 'm' }],
    });
  });

  it('keeps only code and message (no provider status or kind)', () => {
    const withExtras = { code: 'provider_auth', message: 'm', kind: 'permanent', status: 403 } as const;
    expect(encodeItemFailure(withExtras)).toEqual({ code: 'provider_auth', message: 'm' });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'unsupported_language'],
    ['an unknown code', { code: 'no_such_code', message: 'internal detail' }],
    ['a prototype name as code', { code: 'constructor', message: 'x' }],
    ['a message that is not a string', { code: 'unauthorized', message: 42 }],
  ])('decodes %s as a generic provider_error', (_, error) => {
    expect(decodeItemFailure(error)).toEqual(GENERIC);
  });
});
