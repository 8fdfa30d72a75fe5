/**
 * GET /v1/usage: its query and its answer, as zod schemas (the route validates with the one, the
 * OpenAPI document shows both), and the answer built from the days the store read.
 */
import { z } from 'zod';
import { USAGE_DEFAULT_DAYS, USAGE_KEPT_DAYS, usageDay } from './usage-days.js';
import type { UsageDay } from './usage-store.js';

export const usageQuery = z.strictObject({
  from: usageDay.optional().meta({
    description: `First UTC day, YYYY-MM-DD (default: ${USAGE_DEFAULT_DAYS - 1} days before \`to\`).`,
  }),
  to: usageDay.optional().meta({ description: 'Last UTC day, YYYY-MM-DD (default: today, UTC).' }),
});

const count = z.number().int().min(0);

export const usageResponse = z
  .object({
    key: z.string().meta({ description: 'The name of the API key asking (`open` without keys).' }),
    days: z
      .array(
        z.object({
          date: z.string().meta({ description: 'UTC day, YYYY-MM-DD.' }),
          requests: count.meta({
            description: 'Translations asked for: one per POST /v1/translate, one per batch item.',
          }),
          characters: z
            .object({
              submitted: count.meta({ description: 'Characters (code points) of the texts the key sent.' }),
              billed: count.meta({
                description: 'Characters sent to the provider for the key and translated by it.',
              }),
              cached: count.meta({
                description:
                  'Characters answered without the provider: the cache, a join to an identical text in flight, a repeat within a batch.',
              }),
            })
            .meta({ description: 'Code points: the unit of the provider bill and of chars_per_day.' }),
        }),
      )
      .meta({
        description: `Every day of the range, oldest first (at most ${USAGE_KEPT_DAYS}); zeros for a day without use.`,
      }),
  })
  .meta({ id: 'Usage' });
export type UsageResponse = z.infer<typeof usageResponse>;

export function toUsageResponse(key: string, days: readonly UsageDay[]): UsageResponse {
  return {
    key,
    days: days.map(({ date, requests, submitted, billed, cached }) => ({
      date,
      requests,
      characters: { submitted, billed, cached },
    })),
  };
}
