/**
 * Keeps the whole worker fleet under the provider quota (`PROVIDER_MAX_CHARS_PER_MIN`,
 * `PROVIDER_MAX_RPS`) instead of running into Google's 429s: a `Translator` decorator that takes
 * characters and a request from two token buckets kept in Redis, shared by every worker process,
 * before it lets a provider request through. A request that does not fit waits until it does.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../shared/config.js';
import type { EventBus } from '../../shared/events.js';
import { countTextsChars } from '../../shared/provider-request/count-chars.js';
import { RedisKeys, type ProviderQuotaKeys } from '../../shared/redis/keys.js';
import { redisScripts, type RedisScripts } from '../../shared/redis/scripts.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

export class FleetQuotaLimiter implements Translator {
  private readonly scripts: RedisScripts;
  private readonly keys: ProviderQuotaKeys;

  constructor(
    private readonly inner: Translator,
    redis: Redis,
    private readonly config: Pick<Config, 'QUEUE_PREFIX' | 'PROVIDER_MAX_CHARS_PER_MIN' | 'PROVIDER_MAX_RPS'>,
    /** Where each request's wait is reported (`quota:waited`). @default none (nothing emitted) */
    private readonly events?: EventBus,
  ) {
    this.scripts = redisScripts(redis);
    this.keys = new RedisKeys(config.QUEUE_PREFIX).providerQuota();
  }

  get enabled(): boolean {
    return this.config.PROVIDER_MAX_CHARS_PER_MIN > 0 || this.config.PROVIDER_MAX_RPS > 0;
  }

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    await this.admit(countTextsChars(request.texts));
    return this.inner.translate(request);
  }

  /**
   * Waits until a provider request of `chars` characters fits the fleet quota, and charges it.
   * Public for the provider's other calls (detect: its characters; languages: none, one request),
   * which share the quota with translations (bounded-language-provider.ts).
   */
  async admit(chars: number): Promise<void> {
    if (!this.enabled) return;
    const started = performance.now();
    await this.acquire(chars);
    this.events?.emit('quota:waited', { seconds: (performance.now() - started) / 1000 });
  }

  private async acquire(chars: number): Promise<void> {
    const { PROVIDER_MAX_CHARS_PER_MIN: perMin, PROVIDER_MAX_RPS: rps } = this.config;
    for (;;) {
      // Both buckets checked and charged in one atomic step, with Redis' clock (workers' clocks
      // may differ): acquire-provider-quota-2.lua.
      const waitMs = await this.scripts.acquireProviderQuota(
        this.keys,
        { cost: chars, capacity: perMin, refillPerMs: perMin / 60_000 },
        { cost: 1, capacity: rps, refillPerMs: rps / 1000 },
      );
      if (waitMs <= 0) return;
      // A little jitter so waiting workers do not all come back in the same millisecond.
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 1000) + Math.random() * 10));
    }
  }
}
