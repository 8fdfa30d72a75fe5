/**
 * MAX_OPEN_WAITS: the clients one API process holds waiting, sync (`POST /v1/translate`, held by
 * the job waiter) and batch (`POST /v1/batches` with `Prefer: wait`) together. A held wait costs a
 * socket, a timer and a map entry; past the bound work is still accepted and answered 202 at
 * once, and the client polls instead of waiting.
 */
export class OpenWaits {
  /** Waits held outside the job waiter (batch waits). */
  private others = 0;

  constructor(
    private readonly max: number,
    /** Sync waits held by the job waiter (its size: no separate count to drift). */
    private readonly syncWaits: () => number,
  ) {}

  /** Waits held now, sync and batch. */
  get size(): number {
    return this.syncWaits() + this.others;
  }

  /** True when a new wait must not be held (answer 202 at once). */
  get full(): boolean {
    return this.size >= this.max;
  }

  /** Holds a place for a batch wait; returns its release (idempotent), or undefined when full. */
  hold(): (() => void) | undefined {
    if (this.full) return undefined;
    this.others += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.others -= 1;
    };
  }
}
