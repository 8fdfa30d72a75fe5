/**
 * Stops a process's BullMQ workers together: no new jobs, jobs in flight get one shared grace
 * period, then the rest are left to be retried elsewhere. worker.close() waits for jobs in flight
 * with no bound of its own, and the forced close waits on Redis, so both are bounded here.
 */
import type { Worker } from 'bullmq';
import type { Logger } from '../shared/logger.js';
import { CLOSE_STEP_MS, withTimeout } from '../shared/timeout.js';

export async function closeWorkers(workers: Worker[], graceMs: number, logger: Logger): Promise<void> {
  const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
  if (await withTimeout(graceful, graceMs, () => false)) return;
  logger.warn('shutdown grace period over: closing with jobs in flight (they will be retried)');
  await withTimeout(Promise.all(workers.map((w) => w.close(true))), CLOSE_STEP_MS, () => undefined);
}

/** The bound to register closeWorkers under: the grace period and the forced close after it. */
export function closeWorkersTimeoutMs(graceMs: number): number {
  return graceMs + 2 * CLOSE_STEP_MS;
}
