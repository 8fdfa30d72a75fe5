/**
 * The one place where errors become HTTP responses. Typed AppErrors map to their status and code;
 * errors from Express' body parser map to stable codes; anything else is a 500 with no internals.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';

/** body-parser tags its errors with `type`; Express 5 would otherwise trust their `status` blindly. */
const BODY_PARSER_ERRORS: Record<string, () => AppError> = {
  'entity.parse.failed': () => new AppError('invalid_json'),
  'entity.too.large': () => new AppError('payload_too_large'),
  'entity.verify.failed': () => new AppError('invalid_json'),
  'encoding.unsupported': () => new AppError('unsupported_media_type', 'Unsupported content encoding.'),
  'charset.unsupported': () =>
    new AppError('unsupported_media_type', 'Unsupported charset; send UTF-8 JSON.'),
  'request.aborted': () => new AppError('invalid_json', 'The request body was cut short.'),
  'request.size.invalid': () =>
    new AppError('invalid_json', 'The request body does not match its Content-Length.'),
};

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string') {
    const make = BODY_PARSER_ERRORS[type];
    if (make) return make();
  }
  return new AppError('internal_error', undefined, { cause: err });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    // Fields, not a child logger: a child per failing request is garbage for nothing.
    const where = {
      requestId: res.getHeader('X-Request-Id'),
      code: appError.code,
      method: req.method,
      path: req.path,
    };
    if (appError.code === 'unavailable') {
      // Expected while Redis is away or the process drains: one line per refusal, not an alarm.
      logger.warn(where, appError.message);
    } else if (appError.status >= 500) {
      const cause =
        appError.cause instanceof Error
          ? { message: appError.cause.message, stack: appError.cause.stack }
          : undefined;
      logger.error({ ...where, cause }, appError.message);
    } else {
      logger.debug(where, appError.message);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(appError.status).set(appError.headers).json(appError.toBody());
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path}.`));
};

/** For known paths called with a method they do not take. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, _res, next) =>
    next(
      new AppError('method_not_allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}.`, {
        headers: { Allow: allowed.join(', ') },
      }),
    );
}
