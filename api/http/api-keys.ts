/**
 * API keys for the /v1 routes, and the tenant of each request. Keys are kept only as SHA-256
 * digests (shared/tenants.ts parses API_KEYS and API_KEYS_FILE) and a presented key is compared
 * digest against digest with `timingSafeEqual`, so neither the time taken nor a memory dump tells
 * anything about a configured key. Routes read the request's tenant with {@link requestTenant}.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { AppError } from '../../shared/errors.js';
import { OPEN_TENANT, type Tenant } from '../../shared/tenants.js';

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

/**
 * Names the request's tenant (`res.locals.tenant`). With keys: 401 `unauthorized` unless the
 * request carries one of them. Without keys (open mode): every request is {@link OPEN_TENANT}.
 */
export function requireApiKey(tenants: readonly Tenant[]): RequestHandler {
  if (tenants.length === 0) {
    return (_req, res, next) => {
      res.locals.tenant = OPEN_TENANT;
      next();
    };
  }
  const keys = tenants.map((tenant) => ({ tenant, digest: Buffer.from(tenant.digest, 'hex') }));
  return (req, res, next) => {
    const key = presentedKey(req.headers);
    const digest = sha256(key ?? '');
    // Every configured digest is compared, match or not, so timing does not reveal which one matched.
    let found: { tenant: Tenant; digest: Buffer } | undefined;
    for (const k of keys) if (timingSafeEqual(k.digest, digest) && !found) found = k;
    if (!found || key === undefined) {
      next(
        new AppError('unauthorized', undefined, {
          headers: { 'WWW-Authenticate': 'Bearer realm="translate"' },
        }),
      );
      return;
    }
    res.locals.tenant = found.tenant;
    // The rate limiter counts per key; it only ever sees the digest.
    res.locals.clientId = `key:${digest.subarray(0, 12).toString('hex')}`;
    next();
  };
}

/** The tenant requireApiKey named for this request; a route mounted without it is a bug (500). */
export function requestTenant(res: Response): Tenant {
  const tenant = res.locals.tenant as Tenant | undefined;
  if (!tenant) throw new AppError('internal_error');
  return tenant;
}
