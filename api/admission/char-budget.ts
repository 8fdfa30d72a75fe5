/**
 * Daily character budgets: the deployment's (`DAILY_CHAR_BUDGET`) and each key's own
 * (`chars_per_day` in API_KEYS_FILE). Characters accepted per UTC day, counted in Redis so every API
 * process shares them. Work that would go past either is refused before it is queued, which
 * protects the Google bill (cache hits count too: a budget is on what clients ask for).
 */
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import type { EventBus } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { RedisKeys } from '../../shared/redis/keys.js';
import { redisScripts, type RedisScripts } from '../../shared/redis/scripts.js';
import type { Tenant } from '../../shared/tenants.js';

/** A day's counters outlive the day by one more, so a request at 23:59:59 still finds its own. */
const COUNTER_TTL_MS = 2 * 86_400_000;

export class CharBudget {
  private readonly scripts: RedisScripts;
  private readonly keys: RedisKeys;
  private warnedDay = '';

  constructor(
    redis: Redis,
    private readonly options: {
      prefix: string;
      /** DAILY_CHAR_BUDGET; 0: no deployment budget (keys' own budgets still apply). */
      dailyChars: number;
      logger: Logger;
      /** Where refusals are reported (`budget:refused`). @default none (nothing emitted) */
      events?: EventBus;
    },
  ) {
    this.scripts = redisScripts(redis);
    this.keys = new RedisKeys(options.prefix);
  }

  /** Whether a request of `tenant` is counted at all: a deployment budget, or one of its own. */
  appliesTo(tenant: Tenant): boolean {
    return this.options.dailyChars > 0 || (tenant.limits.chars_per_day ?? 0) > 0;
  }

  /**
   * Counts `chars` against today's budgets of the deployment and of `tenant`, or throws 429
   * `budget_exhausted` (nothing counted against either).
   */
  async reserve(chars: number, tenant: Tenant): Promise<void> {
    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    const budgets: { key: string; budget: number; kind: 'global' | 'key' }[] = [];
    if (this.options.dailyChars > 0) {
      budgets.push({ key: this.keys.budgetDay(day), budget: this.options.dailyChars, kind: 'global' });
    }
    const own = tenant.limits.chars_per_day ?? 0;
    if (own > 0) budgets.push({ key: this.keys.keyBudgetDay(tenant.name, day), budget: own, kind: 'key' });
    if (budgets.length === 0) return;
    // Checked and counted in one step (reserve-chars.lua): API processes cannot overshoot together.
    const refusedBy = await this.scripts.reserveChars(budgets, chars, COUNTER_TTL_MS);
    const refused = budgets[refusedBy - 1];
    if (!refused) return;
    this.options.events?.emit('budget:refused', { key: tenant.name, budget: refused.kind });
    if (refused.kind === 'global' && this.warnedDay !== day) {
      this.warnedDay = day;
      this.options.logger.warn(
        { dailyChars: this.options.dailyChars, day },
        'daily character budget exhausted: refusing new work until midnight UTC',
      );
    }
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    throw new AppError(
      'budget_exhausted',
      refused.kind === 'key' ? `This API key's daily character budget (${own}) is used up.` : undefined,
      { headers: { 'Retry-After': String(Math.ceil((midnight - now.getTime()) / 1000)) } },
    );
  }
}
