/**
 * The days of a usage report: UTC dates (`YYYY-MM-DD`), kept {@link USAGE_KEPT_DAYS} days, and
 * the range a `GET /v1/usage?from=&to=` asks for. Pure (the caller passes the time).
 */
import { z } from 'zod';

/** How long a day's usage is kept after it ends, and the longest range one report covers. */
export const USAGE_KEPT_DAYS = 90;
/** The range without `from`: the last 30 days up to `to`. */
export const USAGE_DEFAULT_DAYS = 30;

const DAY_MS = 86_400_000;

/** The UTC date of `ms`, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of the start of UTC day `day` (a valid `YYYY-MM-DD`). */
function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * When a day's usage record expires (epoch seconds, for EXPIREAT): {@link USAGE_KEPT_DAYS} days
 * after the day ends. Absolute, so every write of the day sets the same time.
 */
export function usageExpiresAt(day: string): number {
  return (dayStart(day) + (USAGE_KEPT_DAYS + 1) * DAY_MS) / 1000;
}

/** A real calendar date in the form `YYYY-MM-DD` (2026-02-30 is not one). */
export const usageDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date: YYYY-MM-DD', abort: true })
  .refine((day) => {
    const ms = dayStart(day);
    return Number.isFinite(ms) && utcDay(ms) === day;
  }, 'must be a real calendar date');

/** The range a report asks for; absent ends default (see {@link usageRange}). */
export interface UsageQuery {
  from?: string | undefined;
  to?: string | undefined;
}

/** A range's days in order, or why it is refused (path and message, for a 400). */
export function usageRange(
  query: UsageQuery,
  nowMs: number,
): { days: string[] } | { problem: { path: string; message: string } } {
  const to = query.to ?? utcDay(nowMs);
  const toMs = dayStart(to);
  const from = query.from ?? utcDay(toMs - (USAGE_DEFAULT_DAYS - 1) * DAY_MS);
  const fromMs = dayStart(from);
  if (fromMs > toMs) return { problem: { path: 'query.from', message: 'must not be after `to`' } };
  const count = (toMs - fromMs) / DAY_MS + 1;
  if (count > USAGE_KEPT_DAYS) {
    return {
      problem: {
        path: 'query',
        message: `covers ${count} days; at most ${USAGE_KEPT_DAYS} are allowed (usage is kept ${USAGE_KEPT_DAYS} days)`,
      },
    };
  }
  return { days: Array.from({ length: count }, (_, i) => utcDay(fromMs + i * DAY_MS)) };
}
