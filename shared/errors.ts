/**
 * Typed errors with stable codes. Every error a client can see is one of these; the API's error
 * middleware is the only place that turns them into HTTP responses (`api/http/error-handler.ts`).
 * How a failure travels from the worker to the API (job and item level): shared/jobs/job-failure.ts.
 * Messages are safe for clients: never put upstream bodies, headers or stack traces in them.
 */

/** One entry per stable error code: HTTP status and default client-safe message. */
export const ERROR_CODES = {
  validation_failed: { status: 400, message: 'The request is not valid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  unsupported_language: { status: 400, message: 'The provider does not support this language.' },
  unauthorized: { status: 401, message: 'A valid API key is required.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  batch_too_large: { status: 413, message: 'The batch has too many items.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  /**
   * A glossary edited after the request was accepted, whose accepted version the worker no longer
   * has: translating with the new content would cache it under the old version's key.
   */
  glossary_changed: {
    status: 409,
    message: 'The glossary was edited after this request was accepted; send the request again.',
  },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  rate_limited: { status: 429, message: 'Too many requests.' },
  overloaded: { status: 429, message: 'The service is overloaded; retry later.' },
  budget_exhausted: { status: 429, message: 'The daily character budget is used up.' },
  internal_error: { status: 500, message: 'Internal error.' },
  provider_error: { status: 502, message: 'The translation provider failed.' },
  provider_auth: { status: 502, message: 'The translation provider rejected our credentials.' },
  /** A protected text whose translation failed its checks twice (issue 13); `details` say what broke. */
  unsafe_output: { status: 502, message: 'The translation failed its checks.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

/** Convenience subclasses for the codes raised in more than one place. */
export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = 'The request is not valid.') {
    super('validation_failed', message, { details });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class UnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable.', cause?: unknown) {
    super('unavailable', message, { cause, headers: { 'Retry-After': '1' } });
    this.name = 'UnavailableError';
  }
}
