/**
 * One release path for a process's resources (graphile/worker's `withReleasers` is the model):
 * each resource registers how to release it as it is created; shutdown runs every release once,
 * the last registered first (so a resource goes before what it was built on), each one bounded.
 */
import type { Logger } from './logger.js';
import { CLOSE_STEP_MS, withTimeout } from './timeout.js';

export type Release = () => unknown;

interface Entry {
  name: string;
  release: Release;
  timeoutMs: number | null;
}

export class ReleaseRegistry {
  private readonly entries: Entry[] = [];
  private releasing: Promise<void> | undefined;

  constructor(private readonly logger?: Logger) {}

  /**
   * Registers a release. `timeoutMs` bounds it (@default CLOSE_STEP_MS): after it shutdown moves on
   * to the next release. `null` is for a release made only of bounded steps (another registry's
   * `release()`), which needs no bound of its own. A release registered after shutdown began runs at once.
   */
  add(name: string, release: Release, timeoutMs: number | null = CLOSE_STEP_MS): void {
    const entry = { name, release, timeoutMs };
    if (this.releasing) void this.run(entry);
    else this.entries.push(entry);
  }

  /** Runs every release once, in reverse order; later calls get the same promise. Never rejects. */
  release(): Promise<void> {
    this.releasing ??= (async () => {
      for (const entry of this.entries.reverse()) await this.run(entry);
      this.entries.length = 0;
    })();
    return this.releasing;
  }

  private async run({ name, release, timeoutMs }: Entry): Promise<void> {
    try {
      const released = Promise.resolve().then(release);
      await (timeoutMs === null
        ? released
        : withTimeout(
            released,
            timeoutMs,
            () => void this.logger?.warn({ resource: name, timeoutMs }, 'release timed out: moving on'),
          ));
    } catch (err) {
      this.logger?.warn({ resource: name, err: { message: (err as Error).message } }, 'release failed');
    }
  }
}
