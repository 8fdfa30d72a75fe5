/**
 * Fault injection: which requests fail, and how. Faults apply to every v2 method (translate,
 * detect, languages: all are the worker's path), one `failNext` count or random draw per request.
 */
import { googleErrors, type GoogleApiError } from './google-errors.js';

export const FAULT_KINDS = ['500', '503', '429', '403-quota', '403-daily', 'hang'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The error a fault answers with; `hang` has none: the request is simply never answered. */
export function faultError(kind: Exclude<FaultKind, 'hang'>): GoogleApiError {
  switch (kind) {
    case '500':
      return googleErrors.backendError();
    case '503':
      return googleErrors.unavailable();
    case '429':
      return googleErrors.rateLimit();
    case '403-quota':
      return googleErrors.userRateLimit();
    case '403-daily':
      return googleErrors.dailyLimit();
  }
}

export interface FaultSettings {
  /** Share of requests that fail (0..1). */
  faultRate: number;
  faultKind: FaultKind;
  /** Every request hangs while true. */
  hang: boolean;
}

/** mulberry32: a tiny seeded PRNG so a chaos run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, request by request, whether to inject a fault. */
export class FaultPlan {
  private failNextCount = 0;
  private failNextKind: FaultKind = '503';

  constructor(private random: () => number = Math.random) {}

  setSeed(seed: number | undefined): void {
    this.random = seed === undefined ? Math.random : seededRandom(seed);
  }

  /** The next `count` requests fail with `kind`, before any random fault. */
  failNext(count: number, kind: FaultKind): void {
    this.failNextCount = count;
    this.failNextKind = kind;
  }

  get pendingFailNext(): number {
    return this.failNextCount;
  }

  /** The fault for the request being handled now, or `undefined` to answer normally. */
  next(settings: FaultSettings): FaultKind | undefined {
    if (this.failNextCount > 0) {
      this.failNextCount -= 1;
      return this.failNextKind;
    }
    if (settings.hang) return 'hang';
    if (settings.faultRate > 0 && this.random() < settings.faultRate) return settings.faultKind;
    return undefined;
  }
}
