/**
 * Translates several texts of one shape in one provider request, so that a text the provider
 * refuses fails alone: the isolation strategy of shared/provider-request/isolate.ts with every text
 * its own unit. Used by sync jobs (the texts of several requests) and batch chunks. The worker's
 * batcher (provider-batcher.ts) uses the same strategy with whole callers as units.
 *
 * Failures that are not about particular texts (transient errors, quota, auth) are thrown, so the
 * job is retried or failed as a whole.
 */
import { sendIsolating, type Isolation } from '../../shared/provider-request/isolate.js';
import { classifyProviderError, type ProviderFailure } from './classify-provider-error.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

/** Sent alone to tell a refused language pair from a refused text. */
export const PROBE_TEXT = 'ok';

/** A 400 that retrying cannot fix: Google refuses the whole request when one text is bad. */
export function isRefusedForGood(err: unknown): boolean {
  const failure = classifyProviderError(err);
  return failure.kind === 'permanent' && failure.status === 400;
}

export type TextOutcome =
  { ok: true; translation: ProviderTranslation } | { ok: false; failure: ProviderFailure };

export function translateIsolating(
  translator: Translator,
  request: ProviderRequest,
  /** false: one provider request per text (PROVIDER_BATCHING=false). @default true */
  together = true,
): Promise<TextOutcome[]> {
  const isolation = new TextIsolation(translator, request);
  const { texts, outcomes } = isolation;
  // Not an async function: see isolate.ts (a pending promise chain costs less than an async frame).
  if (together) return sendIsolating(isolation, 0, texts.length).then(() => outcomes);
  return Promise.all(texts.map((_, i) => sendIsolating(isolation, i, i + 1))).then(() => outcomes);
}

/** Every text its own unit. A class, not an object of closures: one allocation per job. */
class TextIsolation implements Isolation<ProviderTranslation> {
  readonly texts: string[];
  readonly outcomes: TextOutcome[];
  private readonly shape: Omit<ProviderRequest, 'texts'>;
  private probe: Promise<unknown> | undefined;

  constructor(
    private readonly translator: Translator,
    request: ProviderRequest,
  ) {
    const { texts, ...shape } = request;
    this.texts = texts;
    this.shape = shape;
    this.outcomes = new Array<TextOutcome>(texts.length);
  }

  send(start: number, end: number): Promise<ProviderTranslation[]> {
    const texts = end - start === this.texts.length ? this.texts : this.texts.slice(start, end);
    return this.translator.translate({ ...this.shape, texts });
  }

  succeed(start: number, end: number, translations: ProviderTranslation[]): void {
    for (let i = start; i < end; i++) this.outcomes[i] = { ok: true, translation: translations[i - start]! };
  }

  fail(start: number, end: number, err: unknown): void {
    const failure = classifyProviderError(err);
    if (failure.kind !== 'permanent') throw err;
    for (let i = start; i < end; i++) this.outcomes[i] = { ok: false, failure };
  }

  isRefusal(err: unknown): boolean {
    return isRefusedForGood(err);
  }

  /** One probe per job, however deep the bisection goes. */
  checkLanguagePair(): Promise<unknown> {
    return (this.probe ??= this.translator.translate({ ...this.shape, texts: [PROBE_TEXT] }));
  }
}
