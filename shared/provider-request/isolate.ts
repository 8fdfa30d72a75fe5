/**
 * Finding the refused texts of a refused provider request. Google refuses a whole request with
 * 400 "Invalid Value" when one of its texts is bad, and answers the same for a refused language
 * pair. So, when a request of several units is refused that way:
 * 1. one tiny probe request (or a recent success of the same shape) tells the two apart: a refused
 *    pair fails every unit at once instead of costing 2n-1 requests that all fail;
 * 2. then the request is cut in two at the unit boundary nearest its middle, each half sent again,
 *    recursively, until only the bad units fail (one bad unit among n: about 2·log2(n) requests).
 *
 * A unit is what may be split from its neighbours: a single text (the processors), or all the
 * texts of one caller (the worker's batcher: a caller of several texts isolates its own texts).
 * Any other failure (transient, quota, auth, one unit left) fails the request's items as a whole.
 *
 * Items are addressed as ranges [start, end) of the caller's list, so the common path (success)
 * allocates nothing here. Written as promise chains, not async functions: thousands of requests
 * wait here at once, and a pending promise costs less memory than a suspended async frame.
 */
/** How to isolate refused units among the items of one list; `R` is one item's translation. */
export interface Isolation<R> {
  /** One provider request for items [start, end). */
  send(start: number, end: number): Promise<R[]>;
  /** Items [start, end) were translated (`results[i - start]` is item i's). */
  succeed(start: number, end: number, results: R[]): void;
  /** Items [start, end) failed with `err`. May throw: the whole isolation then rejects with it. */
  fail(start: number, end: number, err: unknown): void;
  /** Whether `err` refuses the request as a whole and may be about some of its texts (a 400). */
  isRefusal(err: unknown): boolean;
  /**
   * Resolves when the language pair is known to be accepted; rejects with the probe's error
   * otherwise (every item then fails with it).
   */
  checkLanguagePair(): Promise<unknown>;
  /** Whether a request may be cut between items i-1 and i. Absent: every item is its own unit. */
  isBoundary?(i: number): boolean;
}

/** Sends items [start, end) in one request, isolating refused units; settles every item once. */
export function sendIsolating<R>(isolation: Isolation<R>, start: number, end: number): Promise<void> {
  return isolation.send(start, end).then(
    (results) => isolation.succeed(start, end, results),
    (err: unknown) => {
      const cut = isolation.isRefusal(err) ? splitPoint(isolation, start, end) : start;
      if (cut === start) return isolation.fail(start, end, err);
      return isolation.checkLanguagePair().then(
        () =>
          Promise.all([sendIsolating(isolation, start, cut), sendIsolating(isolation, cut, end)]).then(
            () => undefined,
          ),
        (probeErr: unknown) => isolation.fail(start, end, probeErr),
      );
    },
  );
}

/** The unit boundary inside (start, end) nearest the middle (the first of two as near); start if none. */
export function splitPoint(
  isolation: Pick<Isolation<unknown>, 'isBoundary'>,
  start: number,
  end: number,
): number {
  if (end - start < 2) return start;
  const middle = (start + end) / 2;
  if (!isolation.isBoundary) return Math.floor(middle);
  let best = start;
  for (let i = start + 1; i < end; i++) {
    if (isolation.isBoundary(i) && (best === start || Math.abs(i - middle) < Math.abs(best - middle)))
      best = i;
  }
  return best;
}
