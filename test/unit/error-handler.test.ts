import { describe, expect, it } from 'vitest';
import { toAppError } from '../../api/http/error-handler.js';
import { AppError, NotFoundError } from '../../shared/errors.js';

/** A body-parser error: Express 5 would trust its `status` if the handler let it. */
const parserError = (type: string) =>
  Object.assign(new Error('internal detail'), { type, status: 418, expose: true });

describe('toAppError', () => {
  it('passes AppErrors through unchanged', () => {
    const err = new NotFoundError('No such job.');
    expect(toAppError(err)).toBe(err);
  });

  it.each([
    ['entity.parse.failed', 400, 'invalid_json', 'The request body is not valid JSON.'],
    ['entity.verify.failed', 400, 'invalid_json', 'The request body is not valid JSON.'],
    ['entity.too.large', 413, 'payload_too_large', 'The request body is too large.'],
    ['encoding.unsupported', 415, 'unsupported_media_type', 'Unsupported content encoding.'],
    ['charset.unsupported', 415, 'unsupported_media_type', 'Unsupported charset; send UTF-8 JSON.'],
    ['request.aborted', 400, 'invalid_json', 'The request body was cut short.'],
    ['request.size.invalid', 400, 'invalid_json', 'The request body does not match its Content-Length.'],
  ])("maps the body parser's %s to %i %s", (type, status, code, message) => {
    const err = toAppError(parserError(type));
    expect([err.status, err.toBody()]).toEqual([status, { error: { code, message } }]);
  });

  it('anything else is a 500 internal_error that keeps the cause but shows none of it', () => {
    for (const thrown of [
      parserError('stream.not.readable'),
      new Error('secret'),
      'a string',
      null,
      undefined,
    ]) {
      const err = toAppError(thrown);
      expect(err).toBeInstanceOf(AppError);
      expect([err.status, err.toBody(), err.headers]).toEqual([
        500,
        { error: { code: 'internal_error', message: 'Internal error.' } },
        {},
      ]);
      expect(err.cause).toBe(thrown);
    }
  });
});
