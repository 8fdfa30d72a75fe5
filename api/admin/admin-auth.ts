import type { RequestHandler } from 'express';
import { basicCredentials, bearerToken, secretMatches } from '../../shared/auth-token.js';
import { AppError } from '../../shared/errors.js';
import type { FailedAuthLimit } from '../http/failed-auth-limit.js';

/**
 * Guards the dashboard: `Authorization: Bearer $ADMIN_TOKEN`, or HTTP basic auth with ADMIN_USER
 * and ADMIN_TOKEN as the password (what a browser's login prompt sends). Failed attempts are
 * limited per client IP (401, then 429: api/http/failed-auth-limit.ts).
 */
export function adminAuth(options: { user: string; token: string; limit: FailedAuthLimit }): RequestHandler {
  const { user, token, limit } = options;
  const unauthorized = () =>
    new AppError('unauthorized', 'Admin credentials are required.', {
      headers: { 'WWW-Authenticate': 'Basic realm="translation-queue admin", charset="UTF-8"' },
    });
  const presentsSecret = (header: string | undefined): boolean => {
    const basic = basicCredentials(header);
    // Every comparison runs, so the time taken does not tell which part was right.
    const bearerOk = secretMatches(bearerToken(header), token);
    const userOk = secretMatches(basic?.user, user);
    const passwordOk = secretMatches(basic?.password, token);
    return bearerOk || (userOk && passwordOk);
  };
  return async (req, _res, next) => {
    await limit.guard(req, () => presentsSecret(req.get('authorization')), unauthorized);
    next();
  };
}
