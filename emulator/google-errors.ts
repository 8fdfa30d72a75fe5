/**
 * Errors in the exact shape Google's JSON APIs use, so `@google-cloud/common` turns them into an
 * `ApiError` with `code`, `message` and `errors[].reason` just as it does for the real service.
 */

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: Array<{ message: string; domain: string; reason: string }>;
    status: string;
  };
}

export class GoogleApiError extends Error {
  constructor(
    /** HTTP status, also `error.code` in the body. */
    readonly httpStatus: number,
    /** `errors[0].reason`: what clients branch on (`invalid`, `userRateLimitExceeded`...). */
    readonly reason: string,
    message: string,
    /** The google.rpc status name Google adds to newer error bodies. */
    readonly rpcStatus: string,
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }

  toBody(): GoogleErrorBody {
    return {
      error: {
        code: this.httpStatus,
        message: this.message,
        errors: [{ message: this.message, domain: 'global', reason: this.reason }],
        status: this.rpcStatus,
      },
    };
  }
}

/** Every error the emulator answers with, in one table. */
export const googleErrors = {
  /** Unknown language, bad `format`/`model`, wrong `q` type, or the magic reject text. */
  invalidValue: () => new GoogleApiError(400, 'invalid', 'Invalid Value', 'INVALID_ARGUMENT'),
  /** No `q` at all (an empty string is a valid segment). */
  requiredText: () => new GoogleApiError(400, 'required', 'Required Text', 'INVALID_ARGUMENT'),
  requiredTarget: () => new GoogleApiError(400, 'required', 'Required Target', 'INVALID_ARGUMENT'),
  tooManySegments: () => new GoogleApiError(400, 'invalid', 'Too many text segments', 'INVALID_ARGUMENT'),
  payloadTooLarge: (limitBytes: number) =>
    new GoogleApiError(
      400,
      'badRequest',
      `Request payload size exceeds the limit: ${limitBytes} bytes.`,
      'INVALID_ARGUMENT',
    ),
  invalidJson: () =>
    new GoogleApiError(400, 'parseError', 'Invalid JSON payload received.', 'INVALID_ARGUMENT'),
  /** Neither `?key=` nor a Bearer token. */
  missingKey: () =>
    new GoogleApiError(403, 'forbidden', 'The request is missing a valid API key.', 'PERMISSION_DENIED'),
  badKey: () =>
    new GoogleApiError(
      400,
      'badRequest',
      'API key not valid. Please pass a valid API key.',
      'INVALID_ARGUMENT',
    ),
  notFound: () => new GoogleApiError(404, 'notFound', 'Not Found', 'NOT_FOUND'),
  methodNotAllowed: () =>
    new GoogleApiError(405, 'httpMethodNotAllowed', 'Method Not Allowed', 'UNIMPLEMENTED'),
  backendError: () => new GoogleApiError(500, 'backendError', 'Internal error encountered.', 'INTERNAL'),
  unavailable: () =>
    new GoogleApiError(503, 'backendError', 'The service is currently unavailable.', 'UNAVAILABLE'),
  rateLimit: () =>
    new GoogleApiError(
      429,
      'rateLimitExceeded',
      'Resource has been exhausted (e.g. check quota).',
      'RESOURCE_EXHAUSTED',
    ),
  userRateLimit: () =>
    new GoogleApiError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'PERMISSION_DENIED'),
  dailyLimit: () =>
    new GoogleApiError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded', 'PERMISSION_DENIED'),
} as const;
