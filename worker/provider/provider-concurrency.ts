/**
 * Bounds the provider requests one worker process keeps open (PROVIDER_CONCURRENCY), with p-limit:
 * requests beyond the bound wait, first come first served, and a finished request hands its slot
 * to the next waiting one.
 *
 * The batcher asks `free` before it commits texts to a request: while every slot is busy, texts
 * keep collecting in its queues and later go out as bigger requests, instead of queueing here as
 * small ones. `onFree` tells it when a slot comes back.
 */
import pLimit, { type LimitFunction } from 'p-limit';

export class ProviderConcurrency {
  private readonly limit: LimitFunction;

  constructor(
    /** Provider requests open at once. */
    concurrency: number,
    /** Called after each request has ended and its slot went to the next waiting request, if any. */
    private readonly onFree?: () => void,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Whether a request run now would start at once (a slot is free and nothing waits for one). */
  get free(): boolean {
    return this.limit.activeCount + this.limit.pendingCount < this.limit.concurrency;
  }

  /**
   * Runs `task` when a slot is free. A free slot is taken synchronously, so `free` reflects it at
   * once; the arguments are passed through to spare a closure per request.
   */
  run<A extends unknown[], R>(task: (...args: A) => Promise<R>, ...args: A): Promise<R> {
    const done = this.limit(task, ...args);
    // p-limit frees the slot (and starts the next waiting task) before it settles `done`, so
    // onFree sees the slot free (test/unit/provider-batcher.test.ts pins this).
    if (this.onFree) done.then(this.onFree, this.onFree);
    return done;
  }
}
