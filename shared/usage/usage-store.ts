/**
 * Each key's usage per UTC day, in Redis: one hash per key and day (`P:usage:<tenant>:<day>`,
 * shared/redis/keys.ts) of the counts in usage-counts.ts, expiring USAGE_KEPT_DAYS days after the
 * day ends. Written by the API (requests, submitted, cached) and the worker (billed); read by
 * GET /v1/usage.
 *
 * Cheap on the hot path: `record` only adds to a table in memory; `flush` sends the table to Redis
 * in one pipeline (HINCRBY per field, EXPIREAT per key and day). The API flushes on the next turn of
 * the event loop (`autoFlush`: thousands of requests a second become one write per turn); the
 * worker flushes once per job, on BullMQ's connection before the job completes, so a client that
 * got its answer reads usage that includes it. A write that fails is logged and lost: usage must
 * never fail the work it counts.
 */
import type { Redis } from 'ioredis';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { RedisKeys } from '../redis/keys.js';
import { isTenantName } from '../tenants.js';
import { billedByOwner, NO_USAGE, USAGE_FIELDS, type UsageCounts } from './usage-counts.js';
import { usageExpiresAt, utcDay } from './usage-days.js';

export interface UsageStoreOptions {
  /** QUEUE_PREFIX. */
  prefix: string;
  logger: Logger;
  /** Pending counts are written on the next event-loop turn (true), or when the caller flushes (false). @default false */
  autoFlush?: boolean;
  /** Where each record is reported (`usage:counted`), for the metrics. @default none (nothing emitted) */
  events?: EventBus;
}

/** A day of a key's usage report. */
export interface UsageDay extends UsageCounts {
  date: string;
}

export class UsageStore {
  private readonly keys: RedisKeys;
  /** Counts not yet written, by key and day (`<tenant> <day>`). */
  private pending = new Map<string, UsageCounts>();
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: UsageStoreOptions,
  ) {
    this.keys = new RedisKeys(options.prefix);
  }

  /**
   * Adds `counts` to `tenant`'s usage of the day of `atMs` (default now). A name that is not a
   * tenant's (read from a job: Redis content is untrusted) is dropped: it could shape a key or
   * grow a metric's label values without bound.
   */
  record(tenant: string, counts: Partial<UsageCounts>, atMs = Date.now()): void {
    if (!isTenantName(tenant)) return;
    const slot = `${tenant} ${utcDay(atMs)}`;
    let day = this.pending.get(slot);
    if (!day) {
      day = { ...NO_USAGE };
      this.pending.set(slot, day);
    }
    for (const field of USAGE_FIELDS) day[field] += counts[field] ?? 0;
    this.options.events?.emit('usage:counted', { key: tenant, ...NO_USAGE, ...counts });
    if (this.options.autoFlush && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /**
   * The worker's count of one job or chunk: the characters the provider translated (and billed) for
   * each owner of its texts (`billed[i]` code points are `owners[i]`'s), in one write sent now,
   * ahead of anything the caller sends next on this connection (the job's completion).
   */
  recordBilled(billed: readonly number[], owners: readonly string[]): void {
    for (const [owner, chars] of billedByOwner(billed, owners)) this.record(owner, { billed: chars });
    void this.flush();
  }

  /**
   * Writes every pending count in one pipeline; resolves once Redis has them (or the write failed,
   * logged). Sent synchronously: a command issued after this call on the same connection runs after it.
   */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.pending.size === 0) return Promise.resolve();
    const pending = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [slot, counts] of pending) {
      const [tenant, day] = slot.split(' ') as [string, string];
      const key = this.keys.usageDay(tenant, day);
      for (const field of USAGE_FIELDS) if (counts[field] > 0) pipeline.hincrby(key, field, counts[field]);
      pipeline.expireat(key, usageExpiresAt(day));
    }
    return pipeline.exec().then(
      (results) => {
        const failed = results?.find(([err]) => err);
        if (failed) this.lost(failed[0]!);
      },
      (err: unknown) => this.lost(err as Error),
    );
  }

  private lost(err: Error): void {
    this.options.logger.warn({ err: err.message }, 'usage counts could not be written (lost)');
  }

  /** `tenant`'s usage on each of `days` (UTC dates), in that order; a day without usage is all zeros. */
  async read(tenant: string, days: readonly string[]): Promise<UsageDay[]> {
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hmget(this.keys.usageDay(tenant, day), ...USAGE_FIELDS);
    const results = (await pipeline.exec()) ?? [];
    return days.map((date, i) => {
      const [err, values] = results[i] ?? [new Error('no reply')];
      if (err) throw err;
      const fields = values as (string | null)[];
      const day: UsageDay = { date, ...NO_USAGE };
      USAGE_FIELDS.forEach((field, k) => (day[field] = Number(fields[k] ?? 0)));
      return day;
    });
  }
}
