/**
 * A batch in Redis, shared by the API (create, read, cancel) and the batch worker (claim and
 * settle chunks). Keys (all under QUEUE_PREFIX, so one hash slot when the prefix is hash-tagged):
 * - `P:batch:ID`          hash: status, counts, chunk counters, cancel flag, times, callback URL
 * - `P:batch:ID:items`    list: one JSON item per index, written at creation in one MULTI
 * - `P:batch:ID:results`  hash: index → JSON result, written per chunk
 * - `P:batch:ID:started`  set of chunk numbers that reached the provider (claim)
 * - `P:batch:ID:settled`  set of chunk numbers whose results are written
 * - `P:batch-idem:SHA256` Idempotency-Key → batch id, for 24 h
 * Counters change per chunk, never per item. Claim, settle and cancel are Lua scripts, so a
 * cancelled batch never starts another chunk and exactly one caller finalizes a batch.
 * Every write refreshes the TTL: a batch expires RESULT_TTL_S after its last activity.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BatchResultItem, BatchStatus, BatchStatusResponse } from './batch-schemas.js';
import { decodeItemFailure } from './jobs/job-failure.js';

export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;

/** An item as stored: short keys, since a batch may hold 10,000 of them. */
export interface StoredItem {
  /** source text */
  s: string;
  /** target language */
  t: string;
  /** source language; absent: detect */
  f?: string;
  /** format; absent: text */
  m?: 'html';
  r?: string | number;
}

export type StoredResult = { t: string; d?: string } | { e: { code: string; message: string } };

export interface BatchState {
  id: string;
  status: BatchStatus;
  total: number;
  completed: number;
  failed: number;
  /** Items that will never run: only known once a cancelled batch is final. */
  cancelled: number;
  cancelRequested: boolean;
  chunks: number;
  createdAt: number;
  finishedAt?: number;
  callbackUrl?: string;
}

export type ClaimOutcome =
  /** Translate the chunk. */
  | 'go'
  /** Cancelled before it started: never send it. */
  | 'skip'
  /** Started before a cancel, retried after it: settle it without results. */
  | 'abandon'
  /** Already settled (a stalled job run again), or the batch expired. */
  | 'done';

const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'done' end
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then return 'done' end
local started = redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1
if redis.call('HGET', KEYS[1], 'cancel') == '1' then
  if started then return 'abandon' end
  return 'skip'
end
if not started then
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'chunks_started', 1)
end
return 'go'`;

const SETTLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return '' end
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[1], 'completed', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'failed', ARGV[5])
local settled = redis.call('HINCRBY', KEYS[1], 'chunks_settled', 1)
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
local m = redis.call('HMGET', KEYS[1], 'status', 'chunks', 'chunks_started', 'cancel', 'failed')
if m[1] ~= 'running' then return '' end
local final = false
if settled >= tonumber(m[2]) then
  if tonumber(m[5]) > 0 then final = 'completed_with_errors' else final = 'completed' end
elseif m[4] == '1' and settled >= tonumber(m[3]) then
  final = 'cancelled'
end
if final then
  redis.call('HSET', KEYS[1], 'status', final, 'finished_at', ARGV[3])
  return final
end
return ''`;

const CANCEL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', 0} end
local m = redis.call('HMGET', KEYS[1], 'status', 'chunks_started', 'chunks_settled')
if m[1] ~= 'running' then return {m[1], 0} end
redis.call('HSET', KEYS[1], 'cancel', '1')
if tonumber(m[3]) >= tonumber(m[2]) then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_at', ARGV[1])
  return {'cancelled', 1}
end
return {'running', 0}`;

type ScriptedRedis = Redis & {
  batchClaim(...args: (string | number)[]): Promise<ClaimOutcome>;
  batchSettle(...args: (string | number)[]): Promise<string>;
  batchCancel(meta: string, now: number): Promise<[string, number]>;
};

export class BatchStore {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly ttlS: number,
  ) {
    // EVALSHA: the scripts travel once per connection, not with every chunk.
    if (!('batchClaim' in redis)) {
      redis.defineCommand('batchClaim', { numberOfKeys: 3, lua: CLAIM });
      redis.defineCommand('batchSettle', { numberOfKeys: 5, lua: SETTLE });
      redis.defineCommand('batchCancel', { numberOfKeys: 1, lua: CANCEL });
    }
    this.redis = redis as ScriptedRedis;
  }

  keys(id: string) {
    const meta = `${this.prefix}:batch:${id}`;
    return {
      meta,
      items: `${meta}:items`,
      results: `${meta}:results`,
      started: `${meta}:started`,
      settled: `${meta}:settled`,
    };
  }

  /**
   * Maps an Idempotency-Key to `batchId` and the request's fingerprint unless the key is taken;
   * returns what the key maps to (a fingerprint is absent for keys written before it was recorded).
   */
  async claimIdempotencyKey(
    key: string,
    batchId: string,
    fingerprint: string,
  ): Promise<{ batchId: string; fingerprint?: string }> {
    const redisKey = this.idempotencyKey(key);
    // Never longer than the batch lives (its TTL only grows from RESULT_TTL_S), so a key always
    // points to a batch that still exists.
    const ttl = Math.min(IDEMPOTENCY_TTL_S, this.ttlS);
    const set = await this.redis.set(redisKey, `${batchId} ${fingerprint}`, 'EX', ttl, 'NX');
    if (set === 'OK') return { batchId, fingerprint };
    const [claimedBy, claimedFingerprint] = ((await this.redis.get(redisKey)) ?? batchId).split(' ');
    return { batchId: claimedBy!, ...(claimedFingerprint ? { fingerprint: claimedFingerprint } : {}) };
  }

  async releaseIdempotencyKey(key: string): Promise<void> {
    await this.redis.del(this.idempotencyKey(key));
  }

  /** Writes a new batch in one MULTI: items (no round trip per item) and its counters. */
  async create(
    id: string,
    items: StoredItem[],
    chunks: number,
    options: { callbackUrl?: string; now?: number } = {},
  ): Promise<void> {
    const k = this.keys(id);
    const multi = this.redis.multi();
    for (let i = 0; i < items.length; i += 1000) {
      multi.rpush(k.items, ...items.slice(i, i + 1000).map((item) => JSON.stringify(item)));
    }
    multi.hset(k.meta, {
      status: 'running',
      total: items.length,
      completed: 0,
      failed: 0,
      chunks,
      chunks_started: 0,
      chunks_settled: 0,
      cancel: 0,
      created_at: options.now ?? Date.now(),
      ...(options.callbackUrl ? { callback_url: options.callbackUrl } : {}),
    });
    multi.expire(k.items, this.ttlS);
    multi.expire(k.meta, this.ttlS);
    await multi.exec();
  }

  async remove(id: string): Promise<void> {
    await this.redis.unlink(...Object.values(this.keys(id)));
  }

  async state(id: string): Promise<BatchState | undefined> {
    return parseState(id, await this.redis.hgetall(this.keys(id).meta));
  }

  /** One page of results in submission order, with the batch state; undefined for an unknown batch. */
  async page(
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ state: BatchState; items: BatchResultItem[] } | undefined> {
    const k = this.keys(id);
    const [meta, items] = await this.redis
      .multi()
      .hgetall(k.meta)
      .lrange(k.items, offset, offset + limit - 1)
      .exec()
      .then((replies) => (replies ?? []).map(([err, value]) => (err ? undefined : value)));
    const state = parseState(id, meta as Record<string, string> | undefined);
    if (!state) return undefined;
    const rawItems = (items as string[] | undefined) ?? [];
    const indexes = rawItems.map((_, n) => offset + n);
    const results = indexes.length > 0 ? await this.redis.hmget(k.results, ...indexes.map(String)) : [];
    return {
      state,
      items: rawItems.map((raw, n) => toResultItem(offset + n, raw, results[n] ?? null, state.status)),
    };
  }

  async claimChunk(id: string, chunk: number): Promise<ClaimOutcome> {
    const k = this.keys(id);
    return this.redis.batchClaim(k.meta, k.started, k.settled, chunk, this.ttlS);
  }

  /**
   * Writes a chunk's results and counts (once per chunk, whatever the retries). Returns the final
   * status when this call finished the batch, otherwise undefined.
   */
  async settleChunk(
    id: string,
    chunk: number,
    results: [index: number, result: StoredResult][],
    now = Date.now(),
  ): Promise<BatchStatus | undefined> {
    const k = this.keys(id);
    const completed = results.filter(([, r]) => 't' in r).length;
    const args: (string | number)[] = [chunk, this.ttlS, now, completed, results.length - completed];
    for (const [index, result] of results) args.push(index, JSON.stringify(result));
    const final = await this.redis.batchSettle(k.meta, k.settled, k.results, k.items, k.started, ...args);
    return final ? (final as BatchStatus) : undefined;
  }

  /**
   * Stops chunks that have not started. Returns the status afterwards (undefined: unknown batch)
   * and whether this call finished the batch (nothing was in flight).
   */
  async cancel(
    id: string,
    now = Date.now(),
  ): Promise<{ status: BatchStatus; finalized: boolean } | undefined> {
    const [status, finalized] = await this.redis.batchCancel(this.keys(id).meta, now);
    if (!status) return undefined;
    return { status: status as BatchStatus, finalized: finalized === 1 };
  }

  private idempotencyKey(key: string): string {
    return `${this.prefix}:batch-idem:${createHash('sha256').update(key).digest('hex')}`;
  }
}

function parseState(id: string, meta: Record<string, string> | undefined): BatchState | undefined {
  if (!meta || meta.status === undefined) return undefined;
  const total = Number(meta.total);
  const completed = Number(meta.completed);
  const failed = Number(meta.failed);
  const status = meta.status as BatchStatus;
  return {
    id,
    status,
    total,
    completed,
    failed,
    cancelled: status === 'cancelled' ? total - completed - failed : 0,
    cancelRequested: meta.cancel === '1',
    chunks: Number(meta.chunks),
    createdAt: Number(meta.created_at),
    ...(meta.finished_at ? { finishedAt: Number(meta.finished_at) } : {}),
    ...(meta.callback_url ? { callbackUrl: meta.callback_url } : {}),
  };
}

export function isFinal(status: BatchStatus): boolean {
  return status !== 'running';
}

/** The client-facing status body (GET /v1/batches/{id}, webhook body, SSE `done`). */
export function toStatusResponse(state: BatchState): BatchStatusResponse {
  return {
    batch_id: state.id,
    status: state.status,
    total: state.total,
    completed: state.completed,
    failed: state.failed,
    cancelled: state.cancelled,
    created_at: new Date(state.createdAt).toISOString(),
    ...(state.finishedAt ? { finished_at: new Date(state.finishedAt).toISOString() } : {}),
  };
}

function toResultItem(
  index: number,
  rawItem: string,
  rawResult: string | null,
  status: BatchStatus,
): BatchResultItem {
  const item = JSON.parse(rawItem) as StoredItem;
  const base: BatchResultItem = {
    index,
    ...(item.r !== undefined ? { ref: item.r } : {}),
    src_text: item.s,
    tgt_lang: item.t,
    status: status === 'cancelled' ? 'cancelled' : 'pending',
  };
  if (rawResult === null) return base;
  const result = JSON.parse(rawResult) as StoredResult;
  if ('e' in result) return { ...base, status: 'failed', error: decodeItemFailure(result.e) };
  return {
    ...base,
    status: 'completed',
    tgt_text: result.t,
    ...(result.d ? { detected_src_lang: result.d } : {}),
  };
}
