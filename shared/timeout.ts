/**
 * The one way this service bounds a wait: a promise raced against a timer that is cleared when the
 * race ends and never keeps the process alive.
 */

/**
 * How long one shutdown step may take once its graceful part is over: closing a queue or a Redis
 * reader, a forced worker close, the last HTTP connections. BullMQ's close() waits for Redis with no
 * bound of its own, so with Redis away every step would otherwise hang; 2 s is enough for a healthy
 * Redis to answer and keeps the whole shutdown well inside an orchestrator's grace period.
 * @default 2000
 */
export const CLOSE_STEP_MS = 2000;

/**
 * Settles as `promise` does, or, if it has not settled after `ms`, as `onTimeout()` does (return a
 * fallback value, or throw the error the caller wants). A late rejection of `promise` is ignored.
 *
 * The deadline is judged after the event loop has read its pending I/O once more: timers run
 * before the poll phase, so a loop that was busy past `ms` (a burst of requests, a GC pause) would
 * otherwise time out calls whose answers are already waiting in a socket. Waiting one check phase
 * (setImmediate) lets those answers settle `promise` first; only a call still open then timed out.
 */
export async function withTimeout<T, U = never>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => U | Promise<U>,
): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  let late: NodeJS.Immediate | undefined;
  let settled = false;
  const timedOut = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      late = setImmediate(() => {
        if (settled) return;
        try {
          resolve(onTimeout());
        } catch (err) {
          reject(err);
        }
      });
      late.unref();
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    settled = true;
    clearTimeout(timer);
    if (late) clearImmediate(late);
  }
}
