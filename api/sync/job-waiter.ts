/**
 * Waits for job completions without per-job listeners: one QueueEvents stream reader per API
 * process dispatches to a map of waiters. Every wait is bounded by its own timer, and a sweep
 * reads the job hashes directly for waits older than `sweepAfterMs`, so an event that was missed
 * (reconnect, a trimmed events stream, a job that finished before its wait was registered) only
 * delays an answer, never loses it. A wait is read again at growing intervals (1, 2, 4, 8 s...):
 * thousands of long waits must not cost thousands of Redis reads every second.
 */
import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { encodeJobFailure } from '../../shared/jobs/job-failure.js';
import { BullmqJobHashes, parseReturnValue } from '../../shared/redis/bullmq-job-hash.js';
import { redisCall } from '../redis-call.js';

export type JobOutcome =
  { status: 'completed'; returnvalue: unknown } | { status: 'failed'; failedReason: string };

/**
 * The waiting client, as its HTTP response: a 'close' before the answer means it went away. (An
 * AbortController per request would cost an EventTarget per waiting request.)
 */
export interface WaitingClient {
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/** The client went away before its answer. */
export function clientGone(client: WaitingClient | undefined): boolean {
  return client !== undefined && client.destroyed && !client.writableFinished;
}

/** A registered wait: `wait()` resolves with the outcome, or undefined on timeout or when the client goes. */
export interface WaitRegistration {
  wait: (timeoutMs: number, client?: WaitingClient) => Promise<JobOutcome | undefined>;
  cancel: () => void;
}

interface Waiter {
  resolve: (outcome: JobOutcome | undefined) => void;
  /** When the wait was registered. */
  since: number;
  /** When the sweep next reads this wait's job. */
  checkAt: number;
  /** Sweep reads so far. */
  checks: number;
}

/** The longest gap between two sweep reads of one wait. */
const MAX_CHECK_GAP_MS = 8000;

export interface JobWaiterOptions {
  queueEvents: QueueEvents;
  /** Producer connection used by the sweep. */
  redis: Redis;
  /** Key of a job hash (RedisKeys.job for the queue). */
  jobKey: (jobId: string) => string;
  /** A wait this old gets its job read directly once per sweep. @default 1000 */
  sweepAfterMs?: number;
  /** @default 1000 */
  sweepEveryMs?: number;
  /**
   * A job still absent from Redis this long after its wait was registered will not appear (its
   * add failed after an identical request joined it, or Redis lost it): the wait ends with
   * `unavailable` instead of a 202 for a job that does not exist. @default 10000
   */
  missingAfterMs?: number;
}

/**
 * Answers resolved per turn of the event loop. A completion event may carry the outcome of
 * hundreds of waiting requests (a packed job); answering them in slices lets the process read new
 * requests in between, so they are queued while the rest are still answered instead of after all
 * of them (the provider's wait then overlaps with this process's work).
 */
const ANSWERS_PER_TURN = 32;

const JOB_MISSING: JobOutcome = {
  status: 'failed',
  failedReason: encodeJobFailure({
    code: 'unavailable',
    message: 'The job was lost; send the request again.',
  }),
};

export class JobWaiter {
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Open waits (the sum of the sets' sizes, kept so reading it costs nothing). */
  private count = 0;
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping = false;
  /** Outcomes due to their waiters, answered ANSWERS_PER_TURN per turn. */
  private due: [Waiter, JobOutcome][] = [];
  private dueAt = 0;
  private answering: NodeJS.Immediate | undefined;
  private readonly jobs: BullmqJobHashes;

  constructor(private readonly options: JobWaiterOptions) {
    const { queueEvents } = options;
    this.jobs = new BullmqJobHashes(options.redis, options.jobKey);
    queueEvents.on('completed', ({ jobId, returnvalue }) =>
      this.settle(jobId, { status: 'completed', returnvalue: parseReturnValue(returnvalue) }),
    );
    queueEvents.on('failed', ({ jobId, failedReason }) =>
      this.settle(jobId, { status: 'failed', failedReason }),
    );
    this.sweepTimer = setInterval(() => void this.sweep(), options.sweepEveryMs ?? 1000);
    this.sweepTimer.unref();
  }

  /** Number of open waits (for metrics and tests). */
  get size(): number {
    return this.count;
  }

  /**
   * Registers a wait *before* the job is added, so its completion event cannot be missed.
   * `wait()` resolves with the outcome, or undefined on timeout or abort.
   */
  register(jobId: string): WaitRegistration {
    let resolveOutcome!: (o: JobOutcome | undefined) => void;
    const outcome = new Promise<JobOutcome | undefined>((resolve) => (resolveOutcome = resolve));
    const now = Date.now();
    const waiter: Waiter = {
      resolve: resolveOutcome,
      since: now,
      checkAt: now + (this.options.sweepAfterMs ?? 1000),
      checks: 0,
    };
    let set = this.waiters.get(jobId);
    if (!set) this.waiters.set(jobId, (set = new Set()));
    set.add(waiter);
    this.count += 1;

    const remove = () => {
      const current = this.waiters.get(jobId);
      if (!current) return;
      if (current.delete(waiter)) this.count -= 1;
      if (current.size === 0) this.waiters.delete(jobId);
    };
    const cancel = () => {
      remove();
      resolveOutcome(undefined);
    };

    return {
      cancel,
      wait: async (timeoutMs, client) => {
        if (clientGone(client)) {
          cancel();
          return undefined;
        }
        const timer = setTimeout(cancel, timeoutMs);
        const onClose = () => {
          if (!client?.writableFinished) cancel();
        };
        client?.once('close', onClose);
        try {
          return await outcome;
        } finally {
          clearTimeout(timer);
          client?.off('close', onClose);
          remove();
        }
      },
    };
  }

  /** Reads a job's outcome straight from its hash (undefined while it is not finished). */
  async check(jobId: string): Promise<JobOutcome | undefined> {
    const [outcome] = await this.readOutcomes([jobId]);
    return outcome === 'missing' ? undefined : outcome;
  }

  /**
   * A last direct read once a wait ended without an outcome: closes the race with a completion this
   * process did not hear of. Undefined when the job has not finished, or Redis did not answer in
   * time (the caller then answers as for an unfinished job). Bounded like any call made while a
   * client waits (api/redis-call.ts).
   */
  async lastCheck(jobId: string, timeoutMs?: number): Promise<JobOutcome | undefined> {
    try {
      return await redisCall(this.options.redis, () => this.check(jobId), timeoutMs);
    } catch {
      return undefined;
    }
  }

  close(): void {
    clearInterval(this.sweepTimer);
    if (this.answering) clearImmediate(this.answering);
    for (let i = this.dueAt; i < this.due.length; i++) this.due[i]![0].resolve(this.due[i]![1]);
    this.due = [];
    this.dueAt = 0;
    this.answering = undefined;
    for (const set of this.waiters.values()) for (const w of set) w.resolve(undefined);
    this.waiters.clear();
    this.count = 0;
  }

  private settle(jobId: string, outcome: JobOutcome): void {
    const set = this.waiters.get(jobId);
    if (!set) return;
    this.waiters.delete(jobId);
    this.count -= set.size;
    for (const w of set) this.due.push([w, outcome]);
    this.answering ??= setImmediate(this.answerSome);
  }

  private readonly answerSome = (): void => {
    const end = Math.min(this.dueAt + ANSWERS_PER_TURN, this.due.length);
    for (; this.dueAt < end; this.dueAt++) {
      const [w, outcome] = this.due[this.dueAt]!;
      w.resolve(outcome);
    }
    if (this.dueAt < this.due.length) {
      this.answering = setImmediate(this.answerSome);
      return;
    }
    this.due = [];
    this.dueAt = 0;
    this.answering = undefined;
  };

  private async sweep(): Promise<void> {
    if (this.sweeping || this.waiters.size === 0 || this.options.redis.status !== 'ready') return;
    this.sweeping = true;
    try {
      const now = Date.now();
      const missingBefore = now - (this.options.missingAfterMs ?? 10_000);
      const due: string[] = [];
      for (const [jobId, set] of this.waiters) {
        let isDue = false;
        for (const w of set) {
          if (w.checkAt > now) continue;
          isDue = true;
          w.checks += 1;
          w.checkAt = now + Math.min((this.options.sweepAfterMs ?? 1000) * 2 ** w.checks, MAX_CHECK_GAP_MS);
        }
        if (isDue) due.push(jobId);
      }
      for (let i = 0; i < due.length; i += 500) {
        const ids = due.slice(i, i + 500);
        const outcomes = await this.readOutcomes(ids);
        ids.forEach((id, n) => {
          const outcome = outcomes[n];
          if (outcome === 'missing') {
            const set = this.waiters.get(id);
            if (set && [...set].every((w) => w.since < missingBefore)) this.settle(id, JOB_MISSING);
          } else if (outcome) {
            this.settle(id, outcome);
          }
        });
      }
    } catch {
      // Redis away: the next sweep tries again; each wait is still bounded by its timer.
    } finally {
      this.sweeping = false;
    }
  }

  /** Each job's outcome; undefined while it runs; 'missing' when it does not exist. */
  private async readOutcomes(jobIds: string[]): Promise<(JobOutcome | 'missing' | undefined)[]> {
    return (await this.jobs.read(jobIds)).map((job) => {
      if (!job) return undefined;
      if (job.state === 'missing') return 'missing';
      if (job.state === 'failed') return { status: 'failed', failedReason: job.failedReason ?? '' };
      if (job.state === 'completed') return { status: 'completed', returnvalue: job.returnvalue ?? null };
      return undefined;
    });
  }
}
