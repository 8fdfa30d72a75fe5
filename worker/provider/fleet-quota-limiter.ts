/**
 * Keeps the whole worker fleet under the provider quota (`PROVIDER_MAX_CHARS_PER_MIN`,
 * `PROVIDER_MAX_RPS`) instead of running into Google's 429s: a `Translator` decorator that takes
 * characters and a request from two token buckets kept in Redis, shared by every worker process,
 * before it lets a provider request through. A request that does not fit waits until it does.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../shared/config.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { quotaWait } from '../metrics.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

// Both buckets are checked and charged in one atomic step, with Redis' clock (workers' clocks may
// differ). Returns 0 when charged, otherwise the milliseconds until both buckets could pay.
// A bucket with capacity 0 is off. A request bigger than a whole bucket waits for a full bucket
// and drives it negative, so the average rate still holds.
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local levels = {}
for i = 1, 2 do
  local cost = tonumber(ARGV[i * 3 - 2])
  local capacity = tonumber(ARGV[i * 3 - 1])
  local perMs = tonumber(ARGV[i * 3])
  if capacity > 0 then
    local saved = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
    local tokens = tonumber(saved[1]) or capacity
    local ts = tonumber(saved[2]) or now
    tokens = math.min(capacity, tokens + math.max(0, now - ts) * perMs)
    levels[i] = tokens
    local need = math.min(cost, capacity)
    if tokens < need then wait = math.max(wait, math.ceil((need - tokens) / perMs)) end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  local capacity = tonumber(ARGV[i * 3 - 1])
  if capacity > 0 then
    redis.call('HSET', KEYS[i], 'tokens', levels[i] - tonumber(ARGV[i * 3 - 2]), 'ts', now)
    redis.call('PEXPIRE', KEYS[i], math.ceil(capacity / tonumber(ARGV[i * 3])) + 60000)
  end
end
return 0`;

type QuotaRedis = Redis & {
  providerQuotaAcquire(charsKey: string, requestsKey: string, ...args: (string | number)[]): Promise<number>;
};

export class FleetQuotaLimiter implements Translator {
  private readonly redis: QuotaRedis;
  private readonly keys: [string, string];

  constructor(
    private readonly inner: Translator,
    redis: Redis,
    private readonly config: Pick<Config, 'QUEUE_PREFIX' | 'PROVIDER_MAX_CHARS_PER_MIN' | 'PROVIDER_MAX_RPS'>,
    /** Called with each wait, for metrics. */
    private readonly onWait?: (ms: number) => void,
  ) {
    if (!('providerQuotaAcquire' in redis)) {
      redis.defineCommand('providerQuotaAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    }
    this.redis = redis as QuotaRedis;
    // Same hash tag as the queue (QUEUE_PREFIX), so both keys live in one Redis Cluster slot.
    this.keys = [`${config.QUEUE_PREFIX}:quota:chars`, `${config.QUEUE_PREFIX}:quota:requests`];
  }

  get enabled(): boolean {
    return this.config.PROVIDER_MAX_CHARS_PER_MIN > 0 || this.config.PROVIDER_MAX_RPS > 0;
  }

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    if (this.enabled) {
      const started = performance.now();
      await this.acquire(countCharacters(request.texts));
      quotaWait.observe((performance.now() - started) / 1000);
    }
    return this.inner.translate(request);
  }

  private async acquire(chars: number): Promise<void> {
    const { PROVIDER_MAX_CHARS_PER_MIN: perMin, PROVIDER_MAX_RPS: rps } = this.config;
    for (;;) {
      const waitMs = await this.redis.providerQuotaAcquire(
        this.keys[0],
        this.keys[1],
        chars,
        perMin,
        perMin / 60_000,
        1,
        rps,
        rps / 1000,
      );
      if (waitMs <= 0) return;
      this.onWait?.(waitMs);
      // A little jitter so waiting workers do not all come back in the same millisecond.
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 1000) + Math.random() * 10));
    }
  }
}

/** What Google counts against the quota (see count-chars.ts). */
function countCharacters(texts: string[]): number {
  let n = 0;
  for (const t of texts) n += countChars(t);
  return n;
}
