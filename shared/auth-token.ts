/** Checking shared secrets (METRICS_TOKEN, ADMIN_TOKEN) presented in an Authorization header. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of a presented secret with the expected one, length included: the
 * SHA-256 digests are compared (as api/http/api-keys.ts does), so they always have the same length
 * and an early return on a length mismatch cannot reveal the secret's length.
 */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  const same = timingSafeEqual(sha256(presented ?? ''), sha256(expected));
  return presented !== undefined && same;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

/** User and password of an `Authorization: Basic ...` header. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
