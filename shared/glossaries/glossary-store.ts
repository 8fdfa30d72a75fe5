/**
 * Glossaries in Redis, owned by tenants (shared/tenants.ts; `open` in open mode): a tenant sees
 * and edits only its own, and two tenants may each have a glossary of one name. One hash per
 * glossary (`P:glossary:<owner>:<name>`) and a set of each owner's names (`P:glossaries:<owner>`),
 * laid out in shared/redis/keys.ts. Glossaries never expire: they are configuration, not results.
 *
 * The version is a digest of the content (languages, case sensitivity, entries), so it changes
 * whenever the content does and can be part of a translation's cache key; storing the same content
 * again keeps it, so those cache entries stay good. Readers on the hot path ask for the version
 * alone (one HGET) and load the entries only when their compiled copy is of another version.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import type { GlossaryEntry } from '../text-protection/glossary-matcher.js';
import type { GlossaryBody } from './glossary-schema.js';

export type { GlossaryEntry };

export interface StoredGlossary {
  name: string;
  /** The tenant that owns it. */
  owner: string;
  /** Hex digest of the content: changes when and only when the content does. */
  version: string;
  src_lang: string;
  tgt_lang: string;
  case_sensitive: boolean;
  entries: GlossaryEntry[];
  /** ISO 8601 time of the last PUT. */
  updated_at: string;
}

/** A glossary as GET /v1/glossaries lists it: without its entries. */
export type GlossarySummary = Omit<StoredGlossary, 'entries'> & { entry_count: number };

/** Fields of the glossary hash; `entries` is JSON. */
const SUMMARY_FIELDS = [
  'version',
  'src_lang',
  'tgt_lang',
  'case_sensitive',
  'entry_count',
  'updated_at',
] as const;

export class GlossaryStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /**
   * Creates or replaces `owner`'s glossary `name` with a validated body (glossary-schema.ts).
   * `created`: no glossary of that name existed. One MULTI, so a reader sees the old glossary or
   * the new one, never a mix.
   */
  async put(
    owner: string,
    name: string,
    body: GlossaryBody,
    now = Date.now(),
  ): Promise<{ glossary: StoredGlossary; created: boolean }> {
    const glossary: StoredGlossary = {
      name,
      owner,
      version: glossaryVersion(body),
      src_lang: body.src_lang,
      tgt_lang: body.tgt_lang,
      case_sensitive: body.case_sensitive,
      entries: body.entries.map(({ source, target }) => ({ source, target })),
      updated_at: new Date(now).toISOString(),
    };
    const key = this.keys.glossary(owner, name);
    const results = await this.redis
      .multi()
      .exists(key)
      .del(key)
      .hset(key, {
        version: glossary.version,
        src_lang: glossary.src_lang,
        tgt_lang: glossary.tgt_lang,
        case_sensitive: glossary.case_sensitive ? '1' : '0',
        entry_count: glossary.entries.length,
        updated_at: glossary.updated_at,
        entries: JSON.stringify(glossary.entries),
      })
      .sadd(this.keys.glossaryIndex(owner), name)
      .exec();
    const [existsError, existed] = results?.[0] ?? [new Error('MULTI was aborted'), 0];
    if (existsError) throw existsError;
    return { glossary, created: existed === 0 };
  }

  async get(owner: string, name: string): Promise<StoredGlossary | null> {
    const hash = await this.redis.hgetall(this.keys.glossary(owner, name));
    if (hash.version === undefined || hash.entries === undefined) return null;
    const { entry_count: _count, ...summary } = parseSummary(owner, name, hash);
    return { ...summary, entries: JSON.parse(hash.entries) as GlossaryEntry[] };
  }

  /** The glossary's version, or null when it does not exist: one HGET, for every request that names one. */
  async version(owner: string, name: string): Promise<string | null> {
    return this.redis.hget(this.keys.glossary(owner, name), 'version');
  }

  /** `owner`'s glossaries without their entries, by name. */
  async list(owner: string): Promise<GlossarySummary[]> {
    const names = (await this.redis.smembers(this.keys.glossaryIndex(owner))).sort();
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hmget(this.keys.glossary(owner, name), ...SUMMARY_FIELDS);
    const rows = (await pipeline.exec()) ?? [];
    return names.flatMap((name, i) => {
      const [error, values] = rows[i] ?? [new Error('pipeline answered short'), null];
      if (error) throw error;
      const hash = Object.fromEntries(
        SUMMARY_FIELDS.map((field, j) => [field, (values as (string | null)[])[j] ?? undefined]),
      );
      // A name whose hash is gone (deleted between SMEMBERS and HMGET) is skipped.
      return hash.version === undefined ? [] : [parseSummary(owner, name, hash)];
    });
  }

  /** Whether it existed. */
  async delete(owner: string, name: string): Promise<boolean> {
    const results = await this.redis
      .multi()
      .del(this.keys.glossary(owner, name))
      .srem(this.keys.glossaryIndex(owner), name)
      .exec();
    const [error, deleted] = results?.[0] ?? [new Error('MULTI was aborted'), 0];
    if (error) throw error;
    return deleted === 1;
  }
}

/**
 * A digest of what a translation depends on: entries in order (a later duplicate would win in the
 * matcher, though the schema refuses duplicates), languages and case sensitivity. 16 bytes of
 * SHA-256: short enough for a cache key, far too many for two contents to meet by chance.
 */
export function glossaryVersion(body: Omit<GlossaryBody, 'entries'> & { entries: GlossaryEntry[] }): string {
  const canonical = JSON.stringify([
    body.src_lang,
    body.tgt_lang,
    body.case_sensitive,
    body.entries.map((e) => [e.source, e.target]),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 32);
}

function parseSummary(owner: string, name: string, hash: Partial<Record<string, string>>): GlossarySummary {
  return {
    name,
    owner,
    version: hash.version ?? '',
    src_lang: hash.src_lang ?? '',
    tgt_lang: hash.tgt_lang ?? '',
    case_sensitive: hash.case_sensitive === '1',
    entry_count: Number(hash.entry_count ?? 0),
    updated_at: hash.updated_at ?? '',
  };
}
