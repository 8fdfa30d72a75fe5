/**
 * The provider's language list, cached in Redis per provider and target language for a day: the
 * list changes a few times a year, and every API process and tenant may share it (it is not
 * tenant data). The API reads it before it queues a `languages` job; the worker writes it when the
 * job succeeds, on the connection that then completes the job, so a request sent after the answer
 * finds the cache.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { languageEntry, type LanguageEntry } from './language-schemas.js';
import { RedisKeys } from './redis/keys.js';

/** How long a cached list is served: a day. */
export const LANGUAGE_LIST_TTL_S = 86_400;

const cachedList = z.array(languageEntry);

export class LanguageListCache {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    /** Names the provider (shared/translation-cache.ts `providerId`): lists of two never mix. */
    private readonly providerId: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** The cached list for `target`, or undefined (absent, expired or unreadable). */
  async get(target: string): Promise<LanguageEntry[] | undefined> {
    const raw = await this.redis.get(this.key(target));
    if (raw === null) return undefined;
    try {
      const parsed = cachedList.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async set(target: string, languages: LanguageEntry[]): Promise<void> {
    await this.redis.set(this.key(target), JSON.stringify(languages), 'EX', LANGUAGE_LIST_TTL_S);
  }

  /** Google matches language codes without case: `EN` and `en` share one entry. */
  private key(target: string): string {
    const hash = createHash('sha256')
      .update(JSON.stringify([this.providerId, target.toLowerCase()]))
      .digest('hex');
    return this.keys.languages(hash);
  }
}
