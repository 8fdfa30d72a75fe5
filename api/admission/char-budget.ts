/**
 * The daily character budget (`DAILY_CHAR_BUDGET`): characters accepted per UTC day, counted in
 * Redis so every API process shares it. Work that would go past it is refused before it is queued,
 * which protects the Google bill (cache hits count too: the budget is on what clients ask for).
 */
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import type { EventBus } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { RedisKeys } from '../../shared/redis/keys.js';
import { redisScripts, type RedisScripts } from '../../shared/redis/scripts.js';

export class CharBudget {
  private readonly scripts: RedisScripts;
  private readonly keys: RedisKeys;
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
    this.scripts = redisScripts(redis);
    this.keys = new RedisKeys(options.prefix);
  }

  get enabled(): boolean {
    return this.options.dailyChars > 0;
  }

  /** Counts `chars` against today's budget, or throws 429 `budget_exhausted` (nothing counted). */
  async reserve(chars: number): Promise<void> {
    if (!this.enabled) return;
    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    // Checked and counted in one step (reserve-chars-1.lua): API processes cannot overshoot together.
    const total = await this.scripts.reserveChars(
      this.keys.budgetDay(day),
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
