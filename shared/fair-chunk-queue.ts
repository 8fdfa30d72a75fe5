/**
 * The fair-share queue of batch chunks (issue 12, item 6), shared by the API (queues a batch's
 * chunks) and the batch worker (a chunk job takes the chunk it runs).
 *
 * Why not BullMQ's order: its groups are a paid feature, and its job `priority` is fixed when a
 * job is added and capped at 2^21, so virtual time could not grow for long without rewriting
 * queued jobs. Here the chunks wait in a sorted set of our own, scored by a virtual start tag
 * (shared/fair-share.ts) with no ceiling, and the decision is taken as late as possible: when a
 * chunk job starts, it takes the chunk with the lowest tag. A newcomer's small batch therefore
 * runs at the next free slot, whatever another tenant queued before it.
 *
 * BullMQ still carries everything that makes a chunk durable: one chunk job per queued chunk
 * (retries, backoff, quota requeues, stalled-job takeover, the backlog count). What a job took is
 * recorded against its id in the same Lua step that takes it (`P:fair-share:taken`), so a job run
 * again runs the same chunk, and a job that fails for good settles that chunk as failed.
 *
 * Jobs and chunks are counted alike but not paired: a job may run any tenant's chunk. Chunks that
 * need no work (their batch was cancelled, expired or never fully queued) cost no job: the job
 * that meets one takes the next. A job finding nothing pending does nothing. One case leaves
 * chunks without jobs: an API that died between queueing a batch's chunks and their jobs. Those
 * chunks are live (their batch runs until it expires) and other batches' jobs run them, leaving as
 * many of their own chunks without a job; so workers add jobs for the chunks no job will take
 * (worker/processors/batch-chunk-processor.ts: as a chunk job ends, and every few seconds). Chunks
 * whose API is still adding their jobs are not counted: the API marks them while it does
 * (`P:fair-share:queuing`, with a deadline in case it dies). A job too many finds nothing.
 */
import type { Redis } from 'ioredis';
import { fairShareStride } from './fair-share.js';
import { parseBatchChunkEntry, type BatchChunk } from './jobs/batch-chunk-job.js';
import { RedisKeys, type FairShareKeys } from './redis/keys.js';
import { redisScripts, type RedisScripts } from './redis/scripts.js';

/**
 * How long an API may take between queueing a batch's chunks and adding their jobs before its
 * chunks count as jobless (the API died in between). A deadline far above one Redis round trip,
 * so a slow API never makes a worker add jobs twice.
 */
const QUEUING_GRACE_MS = 30_000;

const marker = (batchId: string, count: number) => `${count}:${batchId}`;

/** A chunk a job took: the chunk, or `malformed` (Redis content is untrusted; it is skipped). */
export type TakenChunk = BatchChunk | 'malformed';

export class FairChunkQueue {
  private readonly keys: FairShareKeys;
  private readonly scripts: RedisScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix).fairShare();
    this.scripts = redisScripts(redis);
  }

  /**
   * Queues batch `batchId`'s chunks (from `batchChunkEntry`), in order, for `tenant` of `weight`.
   * Add their chunk jobs after this, never before (a job that starts first would find nothing),
   * then call `queued`.
   */
  async enqueue(batchId: string, tenant: string, weight: number, entries: string[]): Promise<void> {
    if (entries.length === 0) return;
    await this.scripts.enqueueFairChunks(
      this.keys,
      { name: tenant, stride: fairShareStride(weight) },
      { member: marker(batchId, entries.length), graceMs: QUEUING_GRACE_MS },
      entries,
    );
  }

  /** The batch's chunk jobs are added: its chunks count as jobless again if no job takes them. */
  async queued(batchId: string, count: number): Promise<void> {
    if (count > 0) await this.redis.zrem(this.keys.queuing, marker(batchId, count));
  }

  /** Takes back chunks whose jobs could not be added (what is already taken stays taken). */
  async withdraw(batchId: string, entries: string[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis
      .multi()
      .zrem(this.keys.pending, ...entries)
      .zrem(this.keys.queuing, marker(batchId, entries.length))
      .exec();
  }

  /**
   * The chunk job `jobId` runs: the one it holds (a retry, a requeue, a takeover), else the
   * pending chunk whose turn it is. `next`: the chunk it holds needed no work; take the next one.
   * Undefined when nothing is pending.
   */
  async take(jobId: string, next = false): Promise<TakenChunk | undefined> {
    const entry = await this.scripts.takeFairChunk(this.keys, jobId, next);
    if (entry === null) return undefined;
    return parseBatchChunkEntry(entry) ?? 'malformed';
  }

  /**
   * Read together: chunks waiting to be taken, chunks held by jobs, and chunks an API is still
   * adding jobs for.
   */
  async counts(): Promise<{ pending: number; held: number; queuing: number }> {
    const [pending, held, queuing] = await this.scripts.countFairChunks(this.keys);
    return { pending, held, queuing };
  }

  /** The chunk job `jobId` holds, without taking one (to settle it when the job failed for good). */
  async held(jobId: string): Promise<BatchChunk | undefined> {
    const entry = await this.redis.hget(this.keys.taken, jobId);
    return entry === null ? undefined : parseBatchChunkEntry(entry);
  }

  /** The job is done with its chunk (settled): forget what it held. */
  async release(jobId: string): Promise<void> {
    await this.redis.hdel(this.keys.taken, jobId);
  }
}
