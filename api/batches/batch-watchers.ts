/**
 * One reader per batch followed in this process, shared by its SSE streams and `Prefer: wait`
 * clients: a batch costs one HGETALL per interval however many clients follow it (a thousand
 * streams on one batch used to be a thousand readers). The reader starts with the first follower
 * and stops with the last.
 */
import type { BatchState } from '../../shared/batch-store.js';

/** One reading of a batch: its state (undefined: unknown or expired), or the error reading it. */
export type BatchReading = { state: BatchState | undefined } | { error: unknown };

export type BatchListener = (reading: BatchReading) => void;

interface Reader {
  listeners: Set<BatchListener>;
  /** The latest state read, handed at once to a follower that joins later. */
  last?: { state: BatchState | undefined };
  timer?: NodeJS.Timeout;
  wake?: () => void;
}

export class BatchWatchers {
  private readonly readers = new Map<string, Reader>();

  constructor(
    private readonly read: (id: string) => Promise<BatchState | undefined>,
    /** Time between two readings of one batch (BATCH_EVENTS_INTERVAL_MS). */
    private readonly intervalMs: number,
  ) {}

  /** Batches being read now (one reader each). */
  get size(): number {
    return this.readers.size;
  }

  /**
   * Calls `listener` with every reading of batch `id` (never synchronously) until the returned
   * function is called.
   */
  watch(id: string, listener: BatchListener): () => void {
    let reader = this.readers.get(id);
    if (!reader) {
      reader = { listeners: new Set() };
      this.readers.set(id, reader);
      void this.run(id, reader);
    } else if (reader.last) {
      const { last } = reader;
      const joined = reader;
      queueMicrotask(() => {
        if (joined.listeners.has(listener)) listener(last);
      });
    }
    reader.listeners.add(listener);
    const own = reader;
    return () => {
      own.listeners.delete(listener);
      if (own.listeners.size === 0) this.stop(id, own);
    };
  }

  private async run(id: string, reader: Reader): Promise<void> {
    while (this.readers.get(id) === reader) {
      let reading: BatchReading;
      try {
        reading = { state: await this.read(id) };
        reader.last = reading;
      } catch (error) {
        // Not kept for later followers: the next reading may well succeed.
        reading = { error };
      }
      for (const listener of [...reader.listeners]) {
        try {
          listener(reading);
        } catch {
          // One follower's failure (a socket gone bad) must not stop the reader of the others.
        }
      }
      if (this.readers.get(id) !== reader) return;
      await new Promise<void>((resolve) => {
        reader.wake = resolve;
        reader.timer = setTimeout(resolve, this.intervalMs);
        reader.timer.unref();
      });
    }
  }

  private stop(id: string, reader: Reader): void {
    if (this.readers.get(id) === reader) this.readers.delete(id);
    clearTimeout(reader.timer);
    reader.wake?.();
  }
}
