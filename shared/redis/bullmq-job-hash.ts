/**
 * Reads BullMQ's job hashes directly: the one place that knows their field names and encodings.
 * `Job.fromId` reads every field (data, opts, stack traces) and parses them, which is too much for
 * the API's sweep over thousands of open waits; this reads the few fields that say how a job
 * ended, many jobs per pipeline. test/bullmq-job-hash.test.ts checks it against `Job.fromId`, so
 * a BullMQ upgrade that changes the layout fails there instead of in production.
 */
import type { Redis } from 'ioredis';

/** A job's hash as far as its outcome goes. */
export type JobHashSnapshot =
  | { state: 'missing' }
  | {
      /** `unfinished`: waiting, delayed or active (BullMQ has not set finishedOn). */
      state: 'unfinished' | 'completed' | 'failed';
      /** When the job was added (epoch ms). */
      timestamp: number;
      /** When it completed or failed for good (epoch ms). */
      finishedOn?: number;
      attemptsMade: number;
      /** The processor's return value, parsed (completed jobs). */
      returnvalue?: unknown;
      /** The last attempt's error message (failed jobs; also set on a job retried after a failure). */
      failedReason?: string;
    };

// `atm` is where BullMQ 5 counts attempts; `attemptsMade` is the older field, still read by Job.fromJSON.
const FIELDS = ['timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'atm', 'attemptsMade'] as const;

export class BullmqJobHashes {
  constructor(
    private readonly redis: Redis,
    /** The hash key of a job id (RedisKeys.job for one queue). */
    private readonly jobKey: (jobId: string) => string,
  ) {}

  /** One snapshot per id, in one pipeline; undefined where the read failed (try again later). */
  async read(jobIds: string[]): Promise<(JobHashSnapshot | undefined)[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.hmget(this.jobKey(id), ...FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    return jobIds.map((_, i) => {
      const [err, fields] = replies[i] ?? [new Error('no reply')];
      return err ? undefined : toSnapshot(fields as (string | null)[]);
    });
  }
}

function toSnapshot(fields: (string | null)[]): JobHashSnapshot {
  const [timestamp, finishedOn, returnvalue, failedReason, atm, attemptsMade] = fields;
  if (!timestamp) return { state: 'missing' };
  // A failed job has a failedReason and no returnvalue; a job that failed an attempt and then
  // completed has both.
  const hasReason = failedReason !== null && failedReason !== undefined;
  const failed = hasReason && returnvalue === null;
  return {
    state: !finishedOn ? 'unfinished' : failed ? 'failed' : 'completed',
    timestamp: Number(timestamp),
    ...(finishedOn ? { finishedOn: Number(finishedOn) } : {}),
    attemptsMade: Number(attemptsMade || atm || 0),
    ...(returnvalue !== null && returnvalue !== undefined
      ? { returnvalue: parseReturnValue(returnvalue) }
      : {}),
    ...(hasReason ? { failedReason } : {}),
  };
}

/** BullMQ stores a return value as JSON (in the job hash and in the `completed` event alike). */
export function parseReturnValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
