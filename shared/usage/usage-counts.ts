/**
 * What a key's usage report counts (GET /v1/usage), per UTC day. Pure: the store
 * (usage-store.ts) writes and reads these, the API and the worker compute them.
 *
 * Every character figure is in code points (shared/provider-request/count-chars.ts), the unit the
 * character budgets and the provider's bill use, so the figures add up against both:
 * - `requests`: translations asked for: one per POST /v1/translate, one per batch item;
 * - `submitted`: the characters of those texts, as the key sent them;
 * - `billed`: the characters the worker sent to the provider for the key and got translated
 *   (a provider answers a refused or failed request without billing it);
 * - `cached`: the characters answered without the provider: from the translation cache, by
 *   joining an identical text in flight, or as a repeat of a text earlier in the same batch.
 */
import { countChars } from '../provider-request/count-chars.js';

export interface UsageCounts {
  requests: number;
  submitted: number;
  billed: number;
  cached: number;
}

/** The fields of a usage record, in the order the report shows them. */
export const USAGE_FIELDS = [
  'requests',
  'submitted',
  'billed',
  'cached',
] as const satisfies readonly (keyof UsageCounts)[];

export const NO_USAGE: Readonly<UsageCounts> = Object.freeze({
  requests: 0,
  submitted: 0,
  billed: 0,
  cached: 0,
});

/**
 * Characters billed per owner for the texts of one provider call: `texts[i]` belongs to
 * `owners[i]` and was translated when `translated(i)`. One entry per owner, so the caller writes
 * once per job, not once per text.
 */
export function billedByOwner(
  texts: readonly string[],
  owners: readonly string[],
  translated: (index: number) => boolean,
): Map<string, number> {
  const billed = new Map<string, number>();
  texts.forEach((text, i) => {
    const owner = owners[i];
    if (owner === undefined || !translated(i)) return;
    billed.set(owner, (billed.get(owner) ?? 0) + countChars(text));
  });
  return billed;
}
