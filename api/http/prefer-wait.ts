/**
 * `Prefer: wait=N` (RFC 7240, seconds) and `Prefer: respond-async`. Unknown preferences are ignored,
 * as the RFC asks; a wait that is not a number is a client error.
 */
import { ValidationError } from '../../shared/errors.js';

export function preferredWaitMs(header: string | undefined, defaultMs: number, maxMs: number): number {
  if (!header) return defaultMs;
  let waitMs = defaultMs;
  for (const part of header.split(',')) {
    const [rawName, ...rest] = part.split(';')[0]?.split('=') ?? [];
    const name = rawName?.trim().toLowerCase();
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'respond-async') waitMs = 0;
    if (name === 'wait') {
      if (!/^\d{1,9}(\.\d+)?$/.test(value)) {
        throw new ValidationError([
          { path: 'headers.prefer', message: 'wait must be a number of seconds, like "wait=10"' },
        ]);
      }
      waitMs = Math.round(Number(value) * 1000);
    }
  }
  return Math.min(waitMs, maxMs);
}
