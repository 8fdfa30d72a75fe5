import type { RequestHandler } from 'express';
import { basicCredentials, bearerToken, secretMatches } from '../../shared/auth-token.js';
import { AppError } from '../../shared/errors.js';

/**
 * Guards the dashboard: `Authorization: Bearer $ADMIN_TOKEN`, or HTTP basic auth with ADMIN_USER
 * and ADMIN_TOKEN as the password (what a browser's login prompt sends).
 */
export function adminAuth(user: string, token: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    const basic = basicCredentials(header);
    const ok =
      secretMatches(bearerToken(header), token) ||
      (basic !== undefined && secretMatches(basic.user, user) && secretMatches(basic.password, token));
    if (ok) {
      next();
      return;
    }
    next(
      new AppError('unauthorized', 'Admin credentials are required.', {
        headers: { 'WWW-Authenticate': 'Basic realm="translation-queue admin", charset="UTF-8"' },
      }),
    );
  };
}
