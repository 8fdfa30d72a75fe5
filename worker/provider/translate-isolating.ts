/**
 * Translates several texts of one shape in one provider request, so that a text the provider
 * refuses fails alone. Google refuses a whole request with 400 "Invalid Value" when one text is
 * bad, and answers the same for a refused language pair: one tiny probe request tells the two
 * apart (a refused pair fails every text at once instead of costing 2n-1 requests), then the texts
 * are split in halves until the bad ones are isolated. Used by sync jobs (the texts of several
 * requests) and batch chunks.
 *
 * Failures that are not about particular texts (transient errors, quota, auth) are thrown, so the
 * job is retried or failed as a whole.
 */
import { classifyProviderError, type ProviderFailure } from './classify-provider-error.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

/** Sent alone to tell a refused language pair from a refused text. */
export const PROBE_TEXT = 'ok';

export type TextOutcome =
  { ok: true; translation: ProviderTranslation } | { ok: false; failure: ProviderFailure };

export async function translateIsolating(
  translator: Translator,
  request: ProviderRequest,
  /** false: one provider request per text (PROVIDER_BATCHING=false). @default true */
  together = true,
): Promise<TextOutcome[]> {
  const { texts, ...shape } = request;
  let languageChecked = false;

  // Not an async function: thousands of jobs wait here at once, and a pending promise chain costs
  // less memory per job than a suspended async frame.
  const run = (part: string[]): Promise<TextOutcome[]> =>
    translator.translate({ ...shape, texts: part }).then(
      (translations) => translations.map((translation): TextOutcome => ({ ok: true, translation })),
      (err: unknown) => isolate(part, err),
    );

  /** A request of `part` failed: fail it, or find out which of its texts are refused. */
  const isolate = async (part: string[], err: unknown): Promise<TextOutcome[]> => {
    const failure = classifyProviderError(err);
    if (failure.kind !== 'permanent') throw err;
    // Only a 400 can be about some of the texts; auth or daily quota refusals are about all of them.
    if (part.length === 1 || failure.status !== 400) return part.map(() => ({ ok: false, failure }));
    if (!languageChecked) {
      languageChecked = true;
      try {
        await translator.translate({ ...shape, texts: [PROBE_TEXT] });
      } catch (probeErr) {
        const probeFailure = classifyProviderError(probeErr);
        if (probeFailure.kind !== 'permanent') throw probeErr;
        return part.map(() => ({ ok: false, failure: probeFailure }));
      }
    }
    const mid = Math.ceil(part.length / 2);
    const [left, right] = await Promise.all([run(part.slice(0, mid)), run(part.slice(mid))]);
    return [...left, ...right];
  };

  if (together) return run(texts);
  const outcomes = await Promise.all(texts.map((text) => run([text])));
  return outcomes.flat();
}
