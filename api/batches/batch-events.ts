/**
 * GET /v1/batches/{id}/events as Server-Sent Events. Follows the batch through the process's
 * shared reader (batch-watchers.ts: one reading per BATCH_EVENTS_INTERVAL_MS per batch, whatever
 * the number of streams), so `progress` events are throttled whatever the chunk rate, and ends
 * with one `done` event carrying the final status. Event ids are the number of settled items
 * (monotonic), so a client reconnecting with `Last-Event-ID` gets only newer progress.
 */
import type { Response } from 'express';
import { isFinal, toStatusResponse, type BatchState } from '../../shared/batch-store.js';
import type { BatchWatchers } from './batch-watchers.js';

const HEARTBEAT_MS = 15_000;

export function streamBatchEvents(options: {
  res: Response;
  watchers: BatchWatchers;
  batchId: string;
  lastEventId: string | undefined;
  /** Aborted when the client leaves or the API shuts down. */
  signal: AbortSignal;
}): Promise<void> {
  const { res, watchers, batchId, signal } = options;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.write('retry: 1000\n\n');
  let lastSent = /^\d+$/.test(options.lastEventId ?? '') ? Number(options.lastEventId) : -1;
  let lastWrite = Date.now();

  /** Writes what this reading means for this stream; false when the stream is over. */
  const send = (state: BatchState): boolean => {
    if (isFinal(state.status)) {
      res.write(`id: done\nevent: done\ndata: ${JSON.stringify(toStatusResponse(state))}\n\n`);
      return false;
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
    return true;
  };

  return new Promise((resolve) => {
    if (signal.aborted) {
      res.end();
      resolve();
      return;
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unwatch();
      signal.removeEventListener('abort', end);
      res.end();
      resolve();
    };
    // Never called synchronously, so `end` only runs once `unwatch` exists.
    const unwatch = watchers.watch(batchId, (reading) => {
      if (ended) return;
      // Redis away, or the batch expired: ending the stream makes the client reconnect (with
      // Last-Event-ID) later.
      if (!('state' in reading) || !reading.state || !send(reading.state)) end();
    });
    signal.addEventListener('abort', end, { once: true });
  });
}
