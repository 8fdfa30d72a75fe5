/**
 * A sampled count of waiting jobs per queue, so admission control costs no Redis round trip per
 * request: the values are refreshed in the background at most every `maxAgeMs`, and only while
 * requests ask.
 */
import type { Queue } from 'bullmq';
import { withTimeout } from '../../shared/timeout.js';

/** A depth sample that cannot be read this soon is skipped (queue commands wait for a connection). */
const SAMPLE_TIMEOUT_MS = 1000;

export class QueueDepthSampler {
  private values = new Map<string, number>();
  private sampledAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly queues: Queue[],
    /** @default 250 */
    private readonly maxAgeMs = 250,
  ) {}

  /** Jobs of queue `name` waiting (not yet active), at most `maxAgeMs` old once warmed up. */
  async depth(name: string): Promise<number> {
    if (Date.now() - this.sampledAt > this.maxAgeMs) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      // Only the very first reading waits; later ones use the last sample while a new one is taken.
      // (bounded: while Redis is away the request goes on and gets its 503 from the route).
      if (this.sampledAt === 0) await withTimeout(this.refreshing, this.maxAgeMs, () => undefined);
    }
    return this.values.get(name) ?? 0;
  }

  private async refresh(): Promise<void> {
    try {
      const counts = await withTimeout(
        Promise.all(this.queues.map((q) => q.getJobCounts('wait', 'paused', 'prioritized'))),
        SAMPLE_TIMEOUT_MS,
        () => {
          throw new Error('queue depth not read in time');
        },
      );
      this.values = new Map(
        this.queues.map((q, i) => {
          const c = counts[i] ?? {};
          return [q.name, (c.wait ?? 0) + (c.paused ?? 0) + (c.prioritized ?? 0)];
        }),
      );
      this.sampledAt = Date.now();
    } catch {
      // Redis away: keep the last values; the request itself will get 503 from the route.
    }
  }
}
