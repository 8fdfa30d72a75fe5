/**
 * How long the worker fleet pauses after a provider quota answer: exponential with jitter while
 * quota answers keep coming, back to the base after a success. Answers that arrive while a pause
 * is already running (other jobs that were in flight) do not escalate it.
 */
export class QuotaBackoff {
  private step = 0;
  private pausedUntil = 0;

  constructor(
    private readonly baseMs: number,
    /** @default 64 × baseMs, and never over a minute: Google's quotas are per minute. */
    private readonly maxMs = Math.min(baseMs * 64, 60_000),
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The pause to apply for a quota answer received now. `atLeastStep`: how often this job already
   * met quota answers (possibly in other processes, whose steps this one does not know).
   */
  next(atLeastStep = 0): number {
    const now = Date.now();
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.step = Math.max(this.step, atLeastStep);
    const ceiling = Math.min(this.baseMs * 2 ** this.step, this.maxMs);
    // "Equal jitter": at least half the ceiling, so the pause still grows, spread so workers desynchronise.
    const pause = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    this.step = Math.min(this.step + 1, 30);
    this.pausedUntil = now + pause;
    return pause;
  }

  /** A provider call succeeded: the next quota answer starts from the base pause again. */
  success(): void {
    if (Date.now() >= this.pausedUntil) this.step = 0;
  }
}
