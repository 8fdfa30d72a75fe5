/**
 * What a key's usage report counts (GET /v1/usage), per UTC day. Pure: the store
 * (usage-store.ts) writes and reads these, the API and the worker compute them.
 *
 * Every character figure is in code points (shared/provider-request/count-chars.ts), the unit the
 * character budgets and the provider's bill use, so the figures add up against both:
 * - `requests`: translations asked for: one per POST /v1/translate, one per batch item;
 * - `submitted`: the characters of those texts, as the key sent them;
 * - `billed`: the characters the worker sent to the provider for the key and got translated
 *   (a provider answers a refused or failed request without billing it): for a protected text its
 *   prepared provider texts, a strict retry included (worker/protection/checked-translation.ts);
 * - `cached`: the characters answered without the provider: from the translation cache, by
 *   joining an identical text in flight, or as a repeat of a text earlier in the same batch.
 */
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
 * Characters billed per owner for the texts of one job or chunk: `billed[i]` code points (what the
 * provider translated for text i, as the worker's checked translation reports it) belong to
 * `owners[i]`. One entry per owner with something billed, so the caller writes once per job, not
 * once per text.
 */
export function billedByOwner(billed: readonly number[], owners: readonly string[]): Map<string, number> {
  const byOwner = new Map<string, number>();
  billed.forEach((chars, i) => {
    const owner = owners[i];
    if (owner === undefined || chars <= 0) return;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + chars);
  });
  return byOwner;
}
