/**
 * The daily character budget (`DAILY_CHAR_BUDGET`): characters accepted per UTC day, counted in
 * Redis so every API process shares it. Work that would go past it is refused before it is queued,
 * which protects the Google bill (cache hits count too: the budget is on what clients ask for).
 */
import type { Redis } from 'ioredis';
import { AppError } from '../shared/errors.js';
import type { EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';

// Check and count in one step, so concurrent API processes cannot overshoot together.
const RESERVE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if used + n > tonumber(ARGV[2]) then return -1 end
local total = redis.call('INCRBY', KEYS[1], n)
if total == n then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return total`;

type BudgetRedis = Redis & {
  reserveChars(key: string, chars: number, budget: number, ttlMs: number): Promise<number>;
};

export class CharBudget {
  private readonly redis: BudgetRedis;
  private warnedDay = '';

  constructor(
    redis: Redis,
    private readonly options: {
      prefix: string;
      dailyChars: number;
      logger: Logger;
      /** Where refusals are reported (`budget:refused`). @default none (nothing emitted) */
      events?: EventBus;
    },
  ) {
    if (!('reserveChars' in redis))
      redis.defineCommand('reserveChars', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    this.redis = redis as BudgetRedis;
  }

  get enabled(): boolean {
    return this.options.dailyChars > 0;
  }

  /** Counts `chars` against today's budget, or throws 429 `budget_exhausted` (nothing counted). */
  async reserve(chars: number): Promise<void> {
    if (!this.enabled) return;
    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    const total = await this.redis.reserveChars(
      `${this.options.prefix}:budget:${day}`,
      chars,
      this.options.dailyChars,
      2 * 86_400_000,
    );
    if (total >= 0) return;
    this.options.events?.emit('budget:refused');
    if (this.warnedDay !== day) {
      this.warnedDay = day;
      this.options.logger.warn(
        { dailyChars: this.options.dailyChars, day },
        'daily character budget exhausted: refusing new work until midnight UTC',
      );
    }
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    throw new AppError('budget_exhausted', undefined, {
      headers: { 'Retry-After': String(Math.ceil((midnight - now.getTime()) / 1000)) },
    });
  }
}
