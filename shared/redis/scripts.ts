/**
 * The service's Lua scripts, loaded through one place. Each script is a file in `./lua/`, named
 * like BullMQ's `src/commands/`: `<name>-<numberOfKeys>.lua`, or `<name>.lua` when the number of
 * keys varies; each opens with a comment naming its KEYS, ARGV and output. `redisScripts(redis)`
 * registers them all on a connection (ioredis `defineCommand`: EVALSHA, the script travels once
 * per connection) and returns typed methods; no caller casts or defines a command itself.
 *
 * The files are read once per process, next to this module: `shared/redis/lua/` from sources
 * (tsx, vitest) and `dist/shared/redis/lua/` from the build (`npm run build` copies them there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { BatchKeys, FairShareKeys, ProviderQuotaKeys } from './keys.js';

export const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));

/** What a batch worker does with a chunk it claims (claim-batch-chunk-3.lua). */
export type ClaimOutcome =
  /** Translate the chunk. */
  | 'go'
  /** Cancelled before it started: never send it. */
  | 'skip'
  /** Started before a cancel, retried after it: settle it without results. */
  | 'abandon'
  /** Already settled (a stalled job run again), or the batch expired. */
  | 'done';

/** One token bucket of the fleet quota: what this request costs, and the bucket (0: off). */
export interface BucketCharge {
  cost: number;
  capacity: number;
  refillPerMs: number;
}

/** The scripts' typed entry points; each names its file, whose header documents it. */
export interface RedisScripts {
  /** place-texts.lua: one answer per text, `c<cached JSON>`, `j<item id>` or `n<new index>`. */
  placeTexts(
    keys: { cache: string[]; inflight: string[] },
    jobId: string,
    markTtlMs: number,
    readCache: boolean,
  ): Promise<string[]>;
  /** unplace-texts.lua */
  unplaceTexts(inflightKeys: string[], jobId: string): Promise<number>;
  /** acquire-provider-quota-2.lua: 0 when charged, otherwise the milliseconds to wait. */
  acquireProviderQuota(keys: ProviderQuotaKeys, chars: BucketCharge, requests: BucketCharge): Promise<number>;
  /** claim-batch-chunk-3.lua */
  claimBatchChunk(keys: BatchKeys, chunk: number): Promise<ClaimOutcome>;
  /** settle-batch-chunk-5.lua: the final status when this call finished the batch, otherwise ''. */
  settleBatchChunk(
    keys: BatchKeys,
    chunk: {
      chunk: number;
      ttlS: number;
      now: number;
      completed: number;
      failed: number;
      results: [index: number, json: string][];
    },
  ): Promise<string>;
  /** keep-running-batch-2.lua: 1 when the batch runs and no longer expires. */
  keepRunningBatch(keys: BatchKeys): Promise<number>;
  /** cancel-batch-5.lua */
  cancelBatch(keys: BatchKeys, now: number, ttlS: number): Promise<[status: string, finalized: number]>;
  /** enqueue-fair-chunks-3.lua: the tenant's next start tag. */
  enqueueFairChunks(
    keys: FairShareKeys,
    tenant: { name: string; stride: number },
    marker: { member: string; graceMs: number },
    chunks: string[],
  ): Promise<string>;
  /** count-fair-chunks-3.lua */
  countFairChunks(keys: FairShareKeys): Promise<[pending: number, held: number, queuing: number]>;
  /** take-fair-chunk-3.lua: the chunk the job runs (JSON), or null when none is pending. */
  takeFairChunk(keys: FairShareKeys, jobId: string, next: boolean): Promise<string | null>;
  /** hit-rate-limit-1.lua */
  hitRateLimit(key: string, windowMs: number): Promise<[hits: number, ttlMs: number]>;
  /** reserve-chars.lua: 0 when reserved against every budget, else the 1-based index of the one that refused. */
  reserveChars(budgets: { key: string; budget: number }[], chars: number, ttlMs: number): Promise<number>;
}

export interface ScriptFile {
  /** The file name, e.g. `claim-batch-chunk-3.lua`. */
  file: string;
  /** The ioredis command name, e.g. `claimBatchChunk`. */
  command: string;
  /** From the file name; undefined when the caller passes it (variable number of keys). */
  numberOfKeys?: number;
  lua: string;
}

let files: Map<string, ScriptFile> | undefined;

/** Every script file, read once per process. */
export function scriptFiles(): Map<string, ScriptFile> {
  if (files) return files;
  files = new Map();
  for (const file of readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua'))) {
    const match = /^([a-z][a-z-]*?)(?:-(\d+))?\.lua$/.exec(file);
    if (!match) throw new Error(`${LUA_DIR}${file}: expected <kebab-name>[-<numberOfKeys>].lua`);
    const command = match[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    files.set(command, {
      file,
      command,
      ...(match[2] !== undefined ? { numberOfKeys: Number(match[2]) } : {}),
      lua: readFileSync(`${LUA_DIR}${file}`, 'utf8'),
    });
  }
  return files;
}

type Arg = string | number;
type Run = (...args: Arg[]) => Promise<unknown>;

const registered = new WeakMap<Redis, RedisScripts>();

/** Registers every script on `redis` (once per connection) and returns their typed entry points. */
export function redisScripts(redis: Redis): RedisScripts {
  const known = registered.get(redis);
  if (known) return known;
  const commands = redis as unknown as Record<string, Run>;
  for (const script of scriptFiles().values()) {
    redis.defineCommand(script.command, {
      lua: script.lua,
      ...(script.numberOfKeys !== undefined ? { numberOfKeys: script.numberOfKeys } : {}),
    });
  }
  const scripts = entryPoints((command, ...args) => commands[command]!.apply(redis, args));
  // A script file missing from the build fails at start, not on the first request that needs it.
  const missing = Object.keys(scripts).filter((command) => !scriptFiles().has(command));
  if (missing.length > 0) throw new Error(`Redis scripts missing from ${LUA_DIR}: ${missing.join(', ')}`);
  registered.set(redis, scripts);
  return scripts;
}

/** Each entry point passes its KEYS, then its ARGV, in the order its file's header names them. */
function entryPoints(run: (command: string, ...args: Arg[]) => Promise<unknown>): RedisScripts {
  return {
    placeTexts: (keys, jobId, markTtlMs, readCache) =>
      run(
        'placeTexts',
        keys.cache.length + keys.inflight.length,
        ...keys.cache,
        ...keys.inflight,
        jobId,
        markTtlMs,
        readCache ? '1' : '0',
      ) as Promise<string[]>,
    unplaceTexts: (inflightKeys, jobId) =>
      run('unplaceTexts', inflightKeys.length, ...inflightKeys, jobId) as Promise<number>,
    acquireProviderQuota: (keys, chars, requests) =>
      run(
        'acquireProviderQuota',
        keys.chars,
        keys.requests,
        chars.cost,
        chars.capacity,
        chars.refillPerMs,
        requests.cost,
        requests.capacity,
        requests.refillPerMs,
      ) as Promise<number>,
    claimBatchChunk: (keys, chunk) =>
      run('claimBatchChunk', keys.meta, keys.started, keys.settled, chunk) as Promise<ClaimOutcome>,
    settleBatchChunk: (keys, { chunk, ttlS, now, completed, failed, results }) =>
      run(
        'settleBatchChunk',
        keys.meta,
        keys.settled,
        keys.results,
        keys.items,
        keys.started,
        chunk,
        ttlS,
        now,
        completed,
        failed,
        ...results.flat(),
      ) as Promise<string>,
    keepRunningBatch: (keys) => run('keepRunningBatch', keys.meta, keys.items, 0) as Promise<number>,
    cancelBatch: (keys, now, ttlS) =>
      run(
        'cancelBatch',
        keys.meta,
        keys.settled,
        keys.results,
        keys.items,
        keys.started,
        now,
        ttlS,
      ) as Promise<[string, number]>,
    enqueueFairChunks: (keys, tenant, marker, chunks) =>
      run(
        'enqueueFairChunks',
        keys.pending,
        keys.clock,
        keys.queuing,
        tenant.name,
        tenant.stride,
        marker.member,
        marker.graceMs,
        ...chunks,
      ) as Promise<string>,
    countFairChunks: (keys) =>
      run('countFairChunks', keys.pending, keys.taken, keys.queuing, 0) as Promise<[number, number, number]>,
    takeFairChunk: (keys, jobId, next) =>
      run('takeFairChunk', keys.pending, keys.clock, keys.taken, jobId, next ? '1' : '0') as Promise<
        string | null
      >,
    hitRateLimit: (key, windowMs) => run('hitRateLimit', key, windowMs) as Promise<[number, number]>,
    reserveChars: (budgets, chars, ttlMs) =>
      run(
        'reserveChars',
        budgets.length,
        ...budgets.map((b) => b.key),
        chars,
        ttlMs,
        ...budgets.map((b) => b.budget),
      ) as Promise<number>,
  };
}
