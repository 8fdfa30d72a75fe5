/**
 * A batch in Redis, shared by the API (create, read, cancel) and the batch worker (claim and
 * settle chunks). Its keys (`P:batch:<id>` and its items, results, started and settled chunks;
 * `P:batch-idem:<sha256>` for Idempotency-Keys) are laid out in shared/redis/keys.ts. Items are
 * written at creation in one MULTI; counters change per chunk, never per item. Claim, settle and
 * cancel are Lua scripts (shared/redis/lua/: claim-batch-chunk, settle-batch-chunk, cancel-batch),
 * so a cancelled batch never starts another chunk and exactly one caller finalizes a batch.
 * Expiry: a running batch's keys do not expire (its chunk jobs are durable, and every chunk is
 * settled once, so a running batch always ends); RESULT_TTL_S starts when it is final. Until its
 * chunk jobs are queued a new batch carries the TTL, so a batch whose chunks never made it to the
 * queue (the API died in between) still goes away.
 * A batch records its owner (the tenant that created it, shared/tenants.ts): only it may read or
 * cancel the batch.
 */
import type { Redis } from 'ioredis';
import type { BatchResultItem, BatchStatus, BatchStatusResponse } from './batch-schemas.js';
import type { ErrorDetail } from './errors.js';
import type { QaReport } from './schemas.js';
import type { PlaceholderKind } from './text-protection/placeholder-kinds.js';
import { decodeItemFailure } from './jobs/job-failure.js';
import { RedisKeys, type BatchKeys } from './redis/keys.js';
import { redisScripts, type ClaimOutcome, type RedisScripts } from './redis/scripts.js';
import { OPEN_TENANT } from './tenants.js';

export type { ClaimOutcome };

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
  m?: 'html' | 'icu' | 'markdown';
  /** placeholder kinds protected, resolved and sorted; absent: none */
  p?: PlaceholderKind[];
  /** glossary name (of the batch's owner); its version is resolved when the batch is accepted */
  g?: string;
  /** `on_unsafe: "return"`; absent: fail */
  u?: 'return';
  r?: string | number;
}

/** `q`: the checks' report of a checked text (`qa` in results). */
export type StoredResult =
  { t: string; d?: string; q?: QaReport } | { e: { code: string; message: string; details?: ErrorDetail[] } };

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
  /** The tenant that created the batch; absent for batches created before tenants existed. */
  owner?: string;
}

export class BatchStore {
  private readonly scripts: RedisScripts;
  private readonly redisKeys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlS: number,
  ) {
    this.scripts = redisScripts(redis);
    this.redisKeys = new RedisKeys(prefix);
  }

  keys(id: string): BatchKeys {
    return this.redisKeys.batch(id);
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
    const redisKey = this.redisKeys.batchIdempotency(key);
    // Never longer than the batch lives (its TTL only grows from RESULT_TTL_S), so a key always
    // points to a batch that still exists.
    const ttl = Math.min(IDEMPOTENCY_TTL_S, this.ttlS);
    const set = await this.redis.set(redisKey, `${batchId} ${fingerprint}`, 'EX', ttl, 'NX');
    if (set === 'OK') return { batchId, fingerprint };
    const [claimedBy, claimedFingerprint] = ((await this.redis.get(redisKey)) ?? batchId).split(' ');
    return { batchId: claimedBy!, ...(claimedFingerprint ? { fingerprint: claimedFingerprint } : {}) };
  }

  async releaseIdempotencyKey(key: string): Promise<void> {
    await this.redis.del(this.redisKeys.batchIdempotency(key));
  }

  /** Writes a new batch in one MULTI: items (no round trip per item) and its counters. */
  async create(
    id: string,
    items: StoredItem[],
    chunks: number,
    options: { callbackUrl?: string; now?: number; owner?: string } = {},
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
      ...(options.owner !== undefined ? { owner: options.owner } : {}),
    });
    multi.expire(k.items, this.ttlS);
    multi.expire(k.meta, this.ttlS);
    await multi.exec();
  }

  /**
   * Called once the batch's chunk jobs are queued: from now on its keys live until it is final,
   * however long the backlog before it (the settle and cancel scripts start RESULT_TTL_S then).
   */
  async keepWhileRunning(id: string): Promise<void> {
    await this.scripts.keepRunningBatch(this.keys(id));
  }

  async remove(id: string): Promise<void> {
    await this.redis.unlink(...Object.values(this.keys(id)));
  }

  /** The tenant that created the batch; undefined when unknown (an older or expired batch). */
  async owner(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys(id).meta, 'owner')) ?? undefined;
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
    return this.scripts.claimBatchChunk(this.keys(id), chunk);
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
    const completed = results.filter(([, r]) => 't' in r).length;
    const final = await this.scripts.settleBatchChunk(this.keys(id), {
      chunk,
      ttlS: this.ttlS,
      now,
      completed,
      failed: results.length - completed,
      results: results.map(([index, result]) => [index, JSON.stringify(result)]),
    });
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
    const [status, finalized] = await this.scripts.cancelBatch(this.keys(id), now, this.ttlS);
    if (!status) return undefined;
    return { status: status as BatchStatus, finalized: finalized === 1 };
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
    ...(meta.owner !== undefined ? { owner: meta.owner } : {}),
  };
}

/**
 * Whether `tenant` owns the batch. A batch from before tenants existed belongs to open mode's
 * tenant, so an open deployment keeps reading its batches.
 */
export function ownsBatch(state: BatchState, tenant: string): boolean {
  return (state.owner ?? OPEN_TENANT.name) === tenant;
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
    ...(result.q ? { qa: result.q } : {}),
  };
}
