/**
 * GET /v1/batches/{id}/events as Server-Sent Events. Reads the batch counters (updated per chunk)
 * at most every `intervalMs`, so `progress` events are throttled whatever the chunk rate, and
 * ends with one `done` event carrying the final status. Event ids are the number of settled
 * items (monotonic), so a client reconnecting with `Last-Event-ID` gets only newer progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'express';
import type { BatchStore } from '../../shared/batch-store.js';
import { isFinal, toStatusResponse } from '../../shared/batch-store.js';

const HEARTBEAT_MS = 15_000;

export async function streamBatchEvents(options: {
  res: Response;
  store: BatchStore;
  batchId: string;
  lastEventId: string | undefined;
  intervalMs: number;
  /** Aborted when the client leaves or the API shuts down. */
  signal: AbortSignal;
}): Promise<void> {
  const { res, store, batchId, intervalMs, signal } = options;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.write('retry: 1000\n\n');
  let lastSent = /^\d+$/.test(options.lastEventId ?? '') ? Number(options.lastEventId) : -1;
  let lastWrite = Date.now();
  try {
    while (!signal.aborted) {
      const state = await store.state(batchId);
      if (!state) break; // expired while streaming
      if (isFinal(state.status)) {
        res.write(`id: done\nevent: done\ndata: ${JSON.stringify(toStatusResponse(state))}\n\n`);
        break;
      }
      const settled = state.completed + state.failed;
      if (settled > lastSent) {
        const data = { total: state.total, completed: state.completed, failed: state.failed };
        res.write(`id: ${settled}\nevent: progress\ndata: ${JSON.stringify(data)}\n\n`);
        lastSent = settled;
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
    }
  } catch {
    // Redis away: ending the stream makes the client reconnect (with Last-Event-ID) later.
  } finally {
    res.end();
  }
}
