/**
 * Packs sync translate requests into jobs. Requests that arrive in the same turn of the event loop
 * (or while the previous job of their shape is being queued) and share a shape become one job of up to 128 texts (Google's limit for one
 * request) and `maxChars` characters: one Redis add, one worker fetch and one completion event for
 * all of them instead of one each, so the queue's cost per request shrinks as load grows, while a
 * lone request waits for nothing. Each request is one item of its job, addressed internally as
 * `<job id>.<index>` (clients get it sealed: item-ids.ts). Requests of several tenants may share a
 * job; the job records each item's owner.
 *
 * Before a job is added, one Lua script per pack decides for every text, atomically: cached (the
 * request is answered at once, no job), in flight (an identical text is being translated: the
 * request joins that item, so a thundering herd costs one provider segment, across API processes
 * too), or new (marked in flight under its new item id, then added). The worker caches the
 * translation and ends the mark when the job is done; marks also expire by themselves.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { packLimits, type PackLimits } from '../../shared/provider-request/limits.js';
import { PackingQueue } from '../../shared/provider-request/pack.js';
import { shapeKey } from '../../shared/provider-request/shape.js';
import { translateJob, type TranslateJobShape } from '../../shared/jobs/translate-job.js';
import { parseItemId, type Translation } from '../../shared/schemas.js';
import { redisScripts, type RedisScripts } from '../../shared/redis/scripts.js';
import {
  parseCachedTranslation,
  type CacheScope,
  type TranslationCache,
} from '../../shared/translation-cache.js';
import type { JobOutcome, JobWaiter, WaitRegistration } from './job-waiter.js';
import { redisCall } from '../redis-call.js';

/** One request to place: a text and the shape of its translation. */
export interface PackRequest {
  text: string;
  shape: TranslateJobShape;
  /** The tenant that sent it: the owner of its item (job data `owners`). */
  owner: string;
  /** translationHash of the text and shape (and owner, in the `tenant` cache scope): cache key and in-flight mark. */
  hash: string;
  /** Register a wait for the outcome (before the job is added, so no completion is missed). */
  wait: boolean;
  /** The HTTP request id, recorded in the job so worker log lines can carry it. */
  requestId?: string;
  /** W3C trace context of the request (the job continues the first request's trace). */
  traceparent?: string;
}

export type Placement =
  | { kind: 'cached'; translation: Translation }
  | {
      kind: 'queued';
      /** The BullMQ job and the request's item in it. */
      queueJobId: string;
      index: number;
      /** Joined an identical text already in flight. */
      joined: boolean;
      registration?: WaitRegistration;
      /** A joined job that had already finished when the wait was registered. */
      early?: JobOutcome;
    };

export interface RequestPackerOptions {
  queue: Queue;
  redis: Redis;
  waiter: JobWaiter;
  cache: TranslationCache;
  /** The scope the requests' hashes were made in (CACHE_SCOPE), recorded in each job for the worker. */
  cacheScope: CacheScope;
  /** false (PROVIDER_BATCHING=false): one job per request, added at once. */
  packing: boolean;
  /** Characters of one job's texts (PROVIDER_BATCH_MAX_CHARS); one text may exceed it alone. */
  maxChars: number;
  /** How long an in-flight mark lives at most (a job that takes longer may be duplicated). */
  markTtlMs?: number;
  /** Bound on each Redis call made while clients wait. @default REDIS_CALL_TIMEOUT_MS (api/redis-call.ts) */
  redisTimeoutMs?: number;
}

interface Pending {
  request: PackRequest;
  resolve: (placement: Placement) => void;
  reject: (err: unknown) => void;
}

/** The requests of one shape waiting to be packed. */
interface ShapeRequests {
  key: string;
  shape: PackRequest['shape'];
  pending: PackingQueue<Pending>;
  /** Packs of this shape sent and not yet queued (their place call or job add is under way). */
  sending: number;
}

const DEFAULT_MARK_TTL_MS = 120_000;

export class RequestPacker {
  private readonly scripts: RedisScripts;
  private readonly packs = new Map<string, ShapeRequests>();
  private immediate: NodeJS.Immediate | undefined;
  private readonly limits: PackLimits;

  constructor(private readonly options: RequestPackerOptions) {
    this.limits = packLimits(options.maxChars);
    this.scripts = redisScripts(options.redis);
  }

  /** Whether placing reads the cache (CACHE_TTL_S > 0). */
  get caching(): boolean {
    return this.options.cache.enabled;
  }

  /** Resolves once the request is answered from the cache, or its job (new or joined) is queued. */
  place(request: PackRequest): Promise<Placement> {
    return new Promise<Placement>((resolve, reject) => {
      const pending: Pending = { request, resolve, reject };
      if (!this.options.packing) {
        void this.flush(request.shape, [pending]);
        return;
      }
      const key = shapeKey(request.shape);
      let packing = this.packs.get(key);
      if (!packing) {
        packing = { key, shape: request.shape, pending: new PackingQueue(this.limits), sending: 0 };
        this.packs.set(key, packing);
      }
      packing.pending.push(pending, countChars(request.text));
      // A full job goes at once; the rest of this turn's requests go out together at its end.
      while (packing.pending.full) this.send(packing, packing.pending.take());
      if (packing.pending.size === 0) return;
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        for (const p of this.packs.values()) if (p.sending === 0) this.sendAll(p);
      });
    });
  }

  /**
   * Sends what waits of one shape. Called at the end of a turn only when no earlier pack of the
   * shape is still being queued; otherwise the requests keep collecting until it is (two Redis
   * round trips at most), then go out together. Under a burst that makes a few large jobs instead
   * of one small job per event-loop turn, and the worker's cost is per job (fetch, finish, event);
   * a lone request still goes at the end of its turn.
   */
  private sendAll(packing: ShapeRequests): void {
    while (packing.pending.size > 0) this.send(packing, packing.pending.take());
    if (packing.sending === 0) this.packs.delete(packing.key);
  }

  private send(packing: ShapeRequests, items: Pending[]): void {
    packing.sending += 1;
    const sent = () => {
      packing.sending -= 1;
      if (packing.sending === 0) this.sendAll(packing);
    };
    void this.flush(packing.shape, items).then(sent, sent);
  }

  private async flush(shape: TranslateJobShape, items: Pending[]): Promise<void> {
    const queueJobId = randomUUID();
    const { cache } = this.options;
    const registrations: WaitRegistration[] = [];
    let queued = false;
    try {
      const answers = await this.call(() =>
        this.scripts.placeTexts(
          {
            cache: items.map((p) => cache.key(p.request.hash)),
            inflight: items.map((p) => cache.inflightKey(p.request.hash)),
          },
          queueJobId,
          this.options.markTtlMs ?? DEFAULT_MARK_TTL_MS,
          cache.enabled,
        ),
      );
      const placements: (Placement | undefined)[] = [];
      const texts: string[] = [];
      const owners: string[] = [];
      const requestIds: string[] = [];
      let traceparent: string | undefined;
      // New texts take the indexes their marks name (0, 1, ...); an unreadable cache entry is
      // translated again, unmarked, after them.
      let unmarked = answers.filter((answer) => answer[0] === 'n').length;
      answers.forEach((answer, i) => {
        const { request } = items[i]!;
        const kind = answer[0];
        const rest = answer.slice(1);
        if (kind === 'c') {
          const hit = parseCachedTranslation(rest);
          if (hit) {
            placements.push({ kind: 'cached', translation: hit });
            return;
          }
        }
        let item: { queueJobId: string; index: number };
        let joined = false;
        if (kind === 'j') {
          item = parseItemId(rest);
          joined = true;
        } else {
          item = { queueJobId, index: kind === 'n' ? Number(rest) : unmarked++ };
          texts[item.index] = request.text;
          owners[item.index] = request.owner;
          if (request.requestId) requestIds.push(request.requestId);
          traceparent ??= request.traceparent;
        }
        const registration = request.wait ? this.options.waiter.register(item.queueJobId) : undefined;
        if (registration) registrations.push(registration);
        placements.push({ kind: 'queued', ...item, joined, ...(registration ? { registration } : {}) });
      });
      if (texts.length > 0) {
        const job = translateJob(
          {
            texts,
            owners,
            cache_scope: this.options.cacheScope,
            ...shape,
            ...(requestIds.length > 0 ? { request_ids: requestIds } : {}),
            ...(traceparent ? { traceparent } : {}),
          },
          queueJobId,
        );
        await this.call(() => this.options.queue.add(job.name, job.data, job.opts));
      }
      queued = true;
      // A joined job (of another pack) may have finished before its waits were registered: read
      // each such job once, however many requests joined it.
      const joinedJobs = new Set<string>();
      for (const p of placements) {
        if (p?.kind === 'queued' && p.joined && p.registration && p.queueJobId !== queueJobId) {
          joinedJobs.add(p.queueJobId);
        }
      }
      const early = new Map<string, JobOutcome | undefined>();
      await Promise.all(
        [...joinedJobs].map(async (id) => {
          early.set(id, await this.call(() => this.options.waiter.check(id)).catch(() => undefined));
        }),
      );
      for (const p of placements) {
        if (p?.kind !== 'queued' || !p.registration) continue;
        const outcome = early.get(p.queueJobId);
        if (outcome) p.early = outcome;
      }
      items.forEach((p, i) => p.resolve(placements[i]!));
    } catch (err) {
      for (const r of registrations) r.cancel();
      // Texts marked for a job that was never added must not be joined by later requests (the
      // place call may even have run after it timed out here).
      if (!queued) {
        void this.scripts
          .unplaceTexts(
            items.map((p) => cache.inflightKey(p.request.hash)),
            queueJobId,
          )
          .catch(() => undefined);
      }
      for (const p of items) p.reject(err);
    }
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return redisCall(this.options.redis, fn, this.options.redisTimeoutMs);
  }
}
