/**
 * Translation cache in Redis. The API reads it before enqueueing (a hit never becomes a job and
 * never reaches Google); the worker writes it after a successful translation. Keys live under the
 * queue prefix (one hash tag with the queue for Redis Cluster, deleted with it by tests) and are a
 * hash of everything that decides the translation: provider, model, source, target, format, text.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { providerSettings, type Config } from './config.js';
import { translateJobResult, type TranslateJobData, type TranslateJobResult } from './schemas.js';

export interface CacheKeyParts {
  /** Which provider answers: translations of the emulator and of Google must never mix. */
  provider: string;
  model?: string;
  /** Absent: detected by the provider (cached as "auto"). */
  source?: string;
  target: string;
  format: string;
  text: string;
}

/** Hex SHA-256 of the parts; also the in-flight deduplication id of the job. */
export function translationHash(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        parts.provider,
        parts.model ?? '',
        parts.source ?? 'auto',
        parts.target.toLowerCase(),
        parts.format,
        parts.text,
      ]),
    )
    .digest('hex');
}

/** Names the provider a process talks to (Google, or an emulator at some endpoint) for cache keys. */
export function providerId(config: Config): string {
  return `google-v2 ${providerSettings(config).endpoint ?? 'default'}`;
}

export function jobCacheParts(provider: string, data: TranslateJobData): CacheKeyParts {
  return {
    provider,
    target: data.target,
    format: data.format,
    text: data.text,
    ...(data.source ? { source: data.source } : {}),
  };
}

export class TranslationCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** 0: the cache is off (reads miss, writes do nothing). */
    readonly ttlSeconds: number,
  ) {}

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  key(hash: string): string {
    return `${this.prefix}:cache:${hash}`;
  }

  async get(hash: string): Promise<TranslateJobResult | undefined> {
    if (!this.enabled) return undefined;
    const raw = await this.redis.get(this.key(hash));
    if (raw === null) return undefined;
    try {
      const parsed = translateJobResult.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async set(hash: string, result: TranslateJobResult): Promise<void> {
    if (!this.enabled) return;
    await this.redis.set(this.key(hash), JSON.stringify(result), 'EX', this.ttlSeconds);
  }
}
