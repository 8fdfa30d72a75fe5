/**
 * The only place a Redis key string is formed (in the spirit of BullMQ's `QueueKeys`), so the
 * layout can be read in one file. Every key starts with the prefix `P` (QUEUE_PREFIX, default
 * `{translate}`): its braces are a Redis Cluster hash tag, so all keys share one slot and
 * multi-key commands, MULTI and Lua scripts work on a cluster unchanged. docs/architecture.md
 * ("Queues and what lives in Redis") says how long each key is kept.
 *
 * | key                         | type   | what                                                    |
 * | --------------------------- | ------ | ------------------------------------------------------- |
 * | `P:<queue>:…`               | BullMQ | a queue's own keys; a job hash is `P:<queue>:<job id>`  |
 * | `P:cache:<sha256>`          | string | cached translation (JSON), keyed by translationHash     |
 * | `P:inflight:<sha256>`       | string | item id (`<job id>.<index>`) translating that text now  |
 * | `P:item-id-key`             | string | AES-256 key sealing public job ids (base64), made once  |
 * | `P:batch:<id>`              | hash   | batch status, counts, chunk counters, cancel, times     |
 * | `P:batch:<id>:items`        | list   | one JSON item per index                                 |
 * | `P:batch:<id>:results`      | hash   | item index → JSON result                                |
 * | `P:batch:<id>:started`      | set    | chunk numbers that reached the provider                 |
 * | `P:batch:<id>:settled`      | set    | chunk numbers whose results are written                 |
 * | `P:batch-idem:<sha256>`     | string | Idempotency-Key (hashed) → `<batch id> <fingerprint>`   |
 * | `P:quota:chars`             | hash   | fleet token bucket of provider characters (tokens, ts)  |
 * | `P:quota:requests`          | hash   | fleet token bucket of provider requests (tokens, ts)    |
 * | `P:ratelimit:<client>`      | string | a client's request count in its current minute          |
 * | `P:auth-failures:<g>:<ip>`  | string | failed secret attempts of a client IP at guard `g`      |
 * | `P:budget:<YYYY-MM-DD>`     | string | characters accepted that UTC day                        |
 * | `P:key-budget:<t>:<day>`    | string | characters accepted that UTC day from tenant `t`        |
 * | `P:usage:<t>:<YYYY-MM-DD>`  | hash   | tenant `t`'s usage that UTC day (shared/usage/)         |
 * | `P:fair-share:pending`      | zset   | chunks waiting (JSON), scored by virtual start tag      |
 * | `P:fair-share:clock`        | hash   | `v`: virtual time; `t:<tenant>`: its next start tag     |
 * | `P:fair-share:taken`        | hash   | chunk job id → the chunk (JSON) it runs now             |
 * | `P:fair-share:queuing`      | zset   | `<chunks>:<batch id>` still getting jobs → deadline     |
 * | `P:glossary:<owner>:<name>` | hash   | a tenant's glossary: languages, entries (JSON), version |
 * | `P:glossaries:<owner>`      | set    | names of a tenant's glossaries                          |
 * | `P:languages:<sha256>`      | string | language list of one provider and target (JSON)         |
 *
 * Deployed data must stay readable: change a key string here only with a migration.
 */
import { createHash } from 'node:crypto';
import { QueueKeys } from 'bullmq';

/** The keys of one batch (see the table above). */
export interface BatchKeys {
  meta: string;
  items: string;
  results: string;
  started: string;
  settled: string;
}

/** The fair-share queue of batch chunks (shared/fair-chunk-queue.ts). */
export interface FairShareKeys {
  pending: string;
  clock: string;
  taken: string;
  queuing: string;
}

/** The fleet's provider quota buckets. */
export interface ProviderQuotaKeys {
  chars: string;
  requests: string;
}

export class RedisKeys {
  private readonly queueKeys: QueueKeys;

  constructor(readonly prefix: string) {
    this.queueKeys = new QueueKeys(prefix);
  }

  /** A SCAN pattern matching every key of this prefix (glob characters of the prefix escaped). */
  allPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  }

  /** A BullMQ job's hash, formed by BullMQ's own key builder; read it through bullmq-job-hash.ts. */
  job(queueName: string, jobId: string): string {
    return this.queueKeys.toKey(queueName, jobId);
  }

  /** Cached translation of the text whose translationHash is `hash`. */
  cache(hash: string): string {
    return `${this.prefix}:cache:${hash}`;
  }

  /** In-flight mark of the text whose translationHash is `hash` (see api/sync/request-packer.ts). */
  inflight(hash: string): string {
    return `${this.prefix}:inflight:${hash}`;
  }

  /**
   * The key every API process seals public job ids with (api/sync/item-ids.ts): written once
   * with SET NX by whichever process starts first, never expires.
   */
  itemIdKey(): string {
    return `${this.prefix}:item-id-key`;
  }

  batch(id: string): BatchKeys {
    const meta = `${this.prefix}:batch:${id}`;
    return {
      meta,
      items: `${meta}:items`,
      results: `${meta}:results`,
      started: `${meta}:started`,
      settled: `${meta}:settled`,
    };
  }

  /** Where a client's Idempotency-Key is recorded: hashed, so any header value makes a safe key. */
  batchIdempotency(idempotencyKey: string): string {
    return `${this.prefix}:batch-idem:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  }

  providerQuota(): ProviderQuotaKeys {
    return { chars: `${this.prefix}:quota:chars`, requests: `${this.prefix}:quota:requests` };
  }

  /** `client`: `key:<digest>` or `ip:<address>` (api/http/rate-limit.ts). */
  rateLimit(client: string): string {
    return `${this.prefix}:ratelimit:${client}`;
  }

  /**
   * Failed attempts at a shared secret from one client in the current window
   * (api/http/failed-auth-limit.ts). `guard`: `admin` or `metrics`; `client`: `ip:<address>`.
   */
  authFailures(guard: string, client: string): string {
    return `${this.prefix}:auth-failures:${guard}:${client}`;
  }

  /** The cached language list of one provider and target language (shared/language-list-cache.ts). */
  languages(hash: string): string {
    return `${this.prefix}:languages:${hash}`;
  }

  /** Batch chunks waiting their turn, weighted by tenant (shared/fair-chunk-queue.ts). */
  fairShare(): FairShareKeys {
    const base = `${this.prefix}:fair-share`;
    return {
      pending: `${base}:pending`,
      clock: `${base}:clock`,
      taken: `${base}:taken`,
      queuing: `${base}:queuing`,
    };
  }

  /** `day`: the UTC date, `YYYY-MM-DD`. */
  budgetDay(day: string): string {
    return `${this.prefix}:budget:${day}`;
  }

  /** Characters tenant `tenant` had accepted on UTC day `day` (`YYYY-MM-DD`), for its `chars_per_day`. */
  keyBudgetDay(tenant: string, day: string): string {
    return `${this.prefix}:key-budget:${tenant}:${day}`;
  }

  /**
   * Tenant `tenant`'s usage on UTC day `day` (`YYYY-MM-DD`): a hash of `requests`, `submitted`,
   * `billed` and `cached` (shared/usage/usage-store.ts). Tenant names are `[A-Za-z0-9_.-]`
   * (shared/tenants.ts), so a name cannot reach into another key.
   */
  usageDay(tenant: string, day: string): string {
    return `${this.prefix}:usage:${tenant}:${day}`;
  }

  /**
   * A glossary of tenant `owner` (shared/glossaries/glossary-store.ts). Owner and glossary names
   * allow no `:` (shared/tenants.ts, shared/glossaries/glossary-schema.ts), so keys never collide.
   */
  glossary(owner: string, name: string): string {
    return `${this.prefix}:glossary:${owner}:${name}`;
  }

  /** The names of tenant `owner`'s glossaries, so listing needs no SCAN. */
  glossaryIndex(owner: string): string {
    return `${this.prefix}:glossaries:${owner}`;
  }
}
