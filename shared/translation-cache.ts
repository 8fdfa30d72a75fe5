/**
 * Translation cache in Redis. The API reads it before enqueueing (a hit never becomes a job and
 * never reaches Google); the worker writes it after a successful translation. Keys (formed in
 * shared/redis/keys.ts) are a hash of everything that decides the translation: provider, model,
 * source, target, format, text, the protection settings (placeholder kinds, glossary name and
 * version, `on_unsafe`), and in the `tenant` cache scope (CACHE_SCOPE) the tenant, so no key's
 * cache entries or in-flight texts are visible to another key. A checked translation that failed
 * its checks is never cached: the next request gets a fresh attempt.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { providerSettings, type Config } from './config.js';
import type { TranslateJobData, TranslateJobShape } from './jobs/translate-job.js';
import { isChecked } from './provider-request/shape.js';
import { translation, type Translation } from './schemas.js';
import { RedisKeys } from './redis/keys.js';

export interface CacheKeyParts {
  /** Which provider answers: translations of the emulator and of Google must never mix. */
  provider: string;
  model?: string;
  /** Absent: detected by the provider (cached as "auto"). */
  source?: string;
  target: string;
  format: string;
  text: string;
  /** The tenant whose entry this is (`tenant` cache scope); absent: shared by every tenant. */
  tenant?: string;
  /**
   * A checked text's protection settings. `on_unsafe` is in it because it decides the item's
   * outcome, and the hash is also the in-flight mark that identical requests join.
   */
  protection?: { placeholders: readonly string[]; glossary: string | null; on_unsafe: string | null };
}

/** CACHE_SCOPE: `tenant` keys the cache and in-flight marks by tenant; `shared` does not. */
export type CacheScope = 'tenant' | 'shared';

/** Hex SHA-256 of the parts; also the in-flight deduplication id of the job. */
export function translationHash(parts: CacheKeyParts): string {
  const fields: unknown[] = [
    parts.provider,
    parts.model ?? '',
    parts.source ?? 'auto',
    parts.target.toLowerCase(),
    parts.format,
    parts.text,
  ];
  // Unchecked entries keep the hash they had before protection existed, and shared ones the hash
  // they had before tenants existed, so a deployed cache stays valid. An object never equals a
  // tenant's name in JSON, so the two cannot be confused.
  if (parts.protection !== undefined) fields.push(parts.protection);
  if (parts.tenant !== undefined) fields.push(parts.tenant);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Names the provider a process talks to (Google, or an emulator at some endpoint) for cache keys. */
export function providerId(config: Config): string {
  return `google-v2 ${providerSettings(config).endpoint ?? 'default'}`;
}

/**
 * The cache key parts of one text of a job (or of a request about to become one).
 * @param tenant the text's owner, in the `tenant` cache scope; undefined in the `shared` one.
 */
export function jobCacheParts(
  provider: string,
  shape: TranslateJobShape,
  text: string,
  tenant?: string,
): CacheKeyParts {
  return {
    provider,
    target: shape.target,
    format: shape.format,
    text,
    ...(shape.source ? { source: shape.source } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(isChecked(shape)
      ? {
          protection: {
            placeholders: shape.placeholders ?? [],
            glossary: shape.glossary ? `${shape.glossary.name}@${shape.glossary.version}` : null,
            on_unsafe: shape.on_unsafe ?? null,
          },
        }
      : {}),
  };
}

/** The tenant a text's cache entry belongs to in `scope`: its owner, or none when shared. */
export function cacheTenant(scope: CacheScope, owner: string): string | undefined {
  return scope === 'tenant' ? owner : undefined;
}

/** A cache entry as stored by `settle`; undefined when it is unreadable (then it is translated again). */
export function parseCachedTranslation(raw: string): Translation | undefined {
  try {
    const parsed = translation.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hashes (cache keys, in-flight marks) of a job's texts, in order, in the scope the API placed
 * them in (the job's `cache_scope`). A text of the `tenant` scope without a named owner gets a
 * hash of its own that no request ever reads.
 */
export function jobTextHashes(provider: string, data: TranslateJobData): string[] {
  const scope = data.cache_scope ?? 'shared';
  return data.texts.map((text, i) =>
    translationHash(jobCacheParts(provider, data, text, cacheTenant(scope, data.owners?.[i] ?? ''))),
  );
}

export class TranslationCache {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    /** 0: the cache is off (reads miss, writes do nothing). */
    readonly ttlSeconds: number,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  key(hash: string): string {
    return this.keys.cache(hash);
  }

  /**
   * While a job translates a text, this key names the job item doing it, so identical requests
   * join that item instead of making another job (in-flight deduplication; see api/sync/request-packer.ts).
   */
  inflightKey(hash: string): string {
    return this.keys.inflight(hash);
  }

  /**
   * A job's texts are done: caches the translations (when the cache is on), then ends the texts'
   * in-flight marks, in this order (one pipeline), so a request never finds neither.
   */
  async settle(translated: [hash: string, result: Translation][], done: string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    if (this.enabled) {
      for (const [hash, result] of translated)
        pipeline.set(this.key(hash), JSON.stringify(result), 'EX', this.ttlSeconds);
    }
    if (done.length > 0) pipeline.unlink(...done.map((hash) => this.inflightKey(hash)));
    if (pipeline.length > 0) await pipeline.exec();
  }
}
