/**
 * The one function that decides what a provider failure means for the job:
 * - `permanent`: retrying cannot help (bad language, bad credentials) → fail the job now.
 * - `rate_limited`: per-minute quota → slow the whole worker fleet down, then retry.
 *   A daily quota is `permanent`: it returns only the next day.
 * - `transient`: 5xx, timeouts, network → retry with backoff until attempts run out.
 */
import type { ErrorCode, ErrorDetail } from '../../shared/errors.js';

export type ProviderFailureKind = 'permanent' | 'rate_limited' | 'transient';

export interface ProviderFailure {
  kind: ProviderFailureKind;
  code: ErrorCode;
  /** Client-safe: no URLs (they may carry the API key), no upstream bodies. */
  message: string;
  status?: number;
  /** The response's `details` (what broke, for `unsafe_output` from worker/protection/). */
  details?: ErrorDetail[];
}

// Per-minute quotas: they recover within a minute, so the fleet waits and the job is retried.
const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'RESOURCE_EXHAUSTED',
]);

// Per-day quotas recover only at midnight Pacific time: waiting would hold every job for hours.
const DAILY_LIMIT_REASONS = new Set(['dailyLimitExceeded', 'dailyLimitExceededUnreg']);

interface ErrorLike {
  code?: unknown;
  type?: unknown;
  message?: unknown;
  errors?: { reason?: string; message?: string }[];
}

export function classifyProviderError(err: unknown): ProviderFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const status = typeof e.code === 'number' ? e.code : undefined;
  const reasons = (e.errors ?? []).map((x) => x.reason ?? '');
  const message = typeof e.message === 'string' ? e.message : '';

  if (reasons.some((r) => DAILY_LIMIT_REASONS.has(r))) {
    return {
      kind: 'permanent',
      code: 'provider_error',
      message: "The provider's daily quota is used up.",
      status,
    };
  }
  if (status === 429 || reasons.some((r) => RATE_LIMIT_REASONS.has(r))) {
    return {
      kind: 'rate_limited',
      code: 'provider_error',
      message: `Provider quota exceeded (${status ?? 'rate limited'}).`,
      status,
    };
  }
  if (status === 401 || status === 403 || /API key not valid/i.test(message)) {
    return {
      kind: 'permanent',
      code: 'provider_auth',
      message: 'The provider rejected our credentials.',
      status,
    };
  }
  if (status === 400 && /invalid value|language/i.test(message)) {
    return {
      kind: 'permanent',
      code: 'unsupported_language',
      message: 'The provider does not support this language pair.',
      status,
    };
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return {
      kind: 'permanent',
      code: 'provider_error',
      message: `The provider refused the request (${status}).`,
      status,
    };
  }
  if (status !== undefined && status >= 500) {
    return { kind: 'transient', code: 'provider_error', message: `The provider failed (${status}).`, status };
  }
  if (e.type === 'request-timeout' || /timeout/i.test(message)) {
    return { kind: 'transient', code: 'provider_error', message: 'The provider did not answer in time.' };
  }
  return { kind: 'transient', code: 'provider_error', message: 'The provider could not be reached.' };
}
