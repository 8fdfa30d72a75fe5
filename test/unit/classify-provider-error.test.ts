import { describe, expect, it } from 'vitest';
import { classifyProviderError } from '../../worker/provider/classify-provider-error.js';

/** An error shaped like the Google client's (gaxios): HTTP status in `code`, reasons in `errors`. */
function googleError(code: number | undefined, reason?: string, message = 'Request failed') {
  return Object.assign(new Error(message), {
    ...(code !== undefined ? { code } : {}),
    ...(reason ? { errors: [{ reason, message }] } : {}),
  });
}

describe('classifyProviderError', () => {
  it.each(['dailyLimitExceeded', 'dailyLimitExceededUnreg'])(
    'a daily quota (%s) is permanent: it returns only the next day',
    (reason) => {
      expect(classifyProviderError(googleError(403, reason))).toEqual({
        kind: 'permanent',
        code: 'provider_error',
        message: "The provider's daily quota is used up.",
        status: 403,
      });
    },
  );

  it('a 429 is a per-minute quota: rate_limited', () => {
    expect(classifyProviderError(googleError(429))).toEqual({
      kind: 'rate_limited',
      code: 'provider_error',
      message: 'Provider quota exceeded (429).',
      status: 429,
    });
  });

  it.each(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'RESOURCE_EXHAUSTED'])(
    'a 403 with the quota reason %s is rate_limited, not an auth failure',
    (reason) => {
      expect(classifyProviderError(googleError(403, reason))).toEqual({
        kind: 'rate_limited',
        code: 'provider_error',
        message: 'Provider quota exceeded (403).',
        status: 403,
      });
    },
  );

  it('a quota reason without a status is still rate_limited', () => {
    expect(classifyProviderError(googleError(undefined, 'quotaExceeded'))).toMatchObject({
      kind: 'rate_limited',
      message: 'Provider quota exceeded (rate limited).',
    });
  });

  it.each([401, 403])('a %i is permanent provider_auth', (status) => {
    expect(classifyProviderError(googleError(status))).toEqual({
      kind: 'permanent',
      code: 'provider_auth',
      message: 'The provider rejected our credentials.',
      status,
    });
  });

  it('"API key not valid" is provider_auth whatever the status', () => {
    expect(
      classifyProviderError(googleError(400, undefined, 'API key not valid. Please pass a valid API key.')),
    ).toMatchObject({ kind: 'permanent', code: 'provider_auth' });
  });

  it.each(['Invalid Value', 'Bad language pair: en|xx'])(
    'a 400 "%s" is permanent unsupported_language',
    (message) => {
      expect(classifyProviderError(googleError(400, undefined, message))).toEqual({
        kind: 'permanent',
        code: 'unsupported_language',
        message: 'The provider does not support this language pair.',
        status: 400,
      });
    },
  );

  it.each([400, 404, 413])('any other %i is a permanent provider_error', (status) => {
    expect(
      classifyProviderError(googleError(status, undefined, 'Request payload size exceeds the limit')),
    ).toEqual({
      kind: 'permanent',
      code: 'provider_error',
      message: `The provider refused the request (${status}).`,
      status,
    });
  });

  it('a 408 is not a refusal: it is retried', () => {
    expect(classifyProviderError(googleError(408))).toMatchObject({
      kind: 'transient',
      code: 'provider_error',
    });
  });

  it.each([500, 502, 503])('a %i is transient', (status) => {
    expect(classifyProviderError(googleError(status))).toEqual({
      kind: 'transient',
      code: 'provider_error',
      message: `The provider failed (${status}).`,
      status,
    });
  });

  it.each([
    ['a request-timeout error', Object.assign(new Error('x'), { type: 'request-timeout' })],
    ['a timeout message', new Error('network timeout at: https://translation.googleapis.com/?key=secret')],
  ])('%s is transient "did not answer in time", without the URL', (_, err) => {
    expect(classifyProviderError(err)).toEqual({
      kind: 'transient',
      code: 'provider_error',
      message: 'The provider did not answer in time.',
    });
  });

  it.each([
    [
      'a connection refusal',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ],
    ['a non-error value', 'boom'],
    ['undefined', undefined],
  ])('%s is a transient network failure', (_, err) => {
    expect(classifyProviderError(err)).toEqual({
      kind: 'transient',
      code: 'provider_error',
      message: 'The provider could not be reached.',
    });
  });
});
