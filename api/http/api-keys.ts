/**
 * Optional API keys for the /v1 routes (`API_KEYS`). Keys are kept only as SHA-256 digests and a
 * presented key is compared digest against digest with `timingSafeEqual`, so neither the time taken
 * nor a memory dump tells anything about a configured key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';

const HASHED = /^sha256:([0-9a-f]{64})$/i;

/** Digests of the configured keys; entries `sha256:<hex>` are digests already. */
export function parseApiKeys(setting: string | undefined): Buffer[] {
  if (!setting) return [];
  return setting
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
    .map((k) => {
      const hashed = HASHED.exec(k);
      return hashed?.[1] ? Buffer.from(hashed[1], 'hex') : sha256(k);
    });
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match?.[1]) return match[1];
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
}

/** 401 `unauthorized` unless the request carries one of `digests`; a no-op when there are none. */
export function requireApiKey(digests: Buffer[]): RequestHandler {
  return (req, res, next) => {
    if (digests.length === 0) {
      next();
      return;
    }
    const key = presentedKey(req.headers);
    const digest = sha256(key ?? '');
    // Every configured digest is compared, match or not, so timing does not reveal which one matched.
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, digest) || ok;
    if (!ok || key === undefined) {
      next(
        new AppError('unauthorized', undefined, {
          headers: { 'WWW-Authenticate': 'Bearer realm="translate"' },
        }),
      );
      return;
    }
    // The rate limiter counts per key; it only ever sees the digest.
    res.locals.clientId = `key:${digest.subarray(0, 12).toString('hex')}`;
    next();
  };
}
