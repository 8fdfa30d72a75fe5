/**
 * The provider's detect and languages calls under the same limits as its translations: each call
 * takes one of the process's PROVIDER_CONCURRENCY slots (the batcher's), then its characters from
 * the fleet quota (detect is billed per character like a translation; a languages call costs one
 * request and no characters), and is reported as a `provider:request` event (and a CLIENT span
 * with TRACING_ENABLED) like every other provider request, so metrics count what Google bills.
 */
import type { EventBus } from '../../shared/events.js';
import type { Detection, LanguageEntry } from '../../shared/language-schemas.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { otel, TRACER_NAME, type Otel } from '../../shared/tracing.js';
import { classifyProviderError } from './classify-provider-error.js';
import type { LanguageProvider } from './google-translator.js';

export interface ProviderLimits {
  /** Runs a call in one of the process's provider slots (ProviderBatcher.runInSlot). */
  runInSlot<R>(call: () => Promise<R>): Promise<R>;
  /** Waits for the fleet quota and charges it (FleetQuotaLimiter.admit). */
  admit(chars: number): Promise<void>;
}

export interface BoundedLanguageProviderOptions {
  /** TRACING_ENABLED: a span per provider call. @default false */
  tracing?: boolean;
  /** Where provider requests are reported. @default none (nothing emitted) */
  events?: EventBus;
}

export class BoundedLanguageProvider implements LanguageProvider {
  private readonly otel: Otel | undefined;

  constructor(
    private readonly inner: LanguageProvider,
    private readonly limits: ProviderLimits,
    private readonly options: BoundedLanguageProviderOptions = {},
  ) {
    this.otel = otel(options.tracing ?? false);
  }

  detect(texts: string[]): Promise<Detection[]> {
    let characters = 0;
    for (const text of texts) characters += countChars(text);
    return this.call('detect', texts.length, characters, () => this.inner.detect(texts));
  }

  languages(target: string): Promise<LanguageEntry[]> {
    return this.call('languages', 0, 0, () => this.inner.languages(target));
  }

  private call<R>(method: string, segments: number, characters: number, send: () => Promise<R>): Promise<R> {
    return this.limits.runInSlot(async () => {
      await this.limits.admit(characters);
      return this.reported(method, segments, characters, send);
    });
  }

  private async reported<R>(
    method: string,
    segments: number,
    characters: number,
    send: () => Promise<R>,
  ): Promise<R> {
    const started = performance.now();
    const api = this.otel;
    // Sizes only: texts never go into spans.
    const span = api?.trace.getTracer(TRACER_NAME).startSpan(`provider ${method}`, {
      kind: api.SpanKind.CLIENT,
      attributes: { 'translation.segments': segments, 'translation.characters': characters },
    });
    const report = (outcome: string) =>
      this.options.events?.emit('provider:request', {
        outcome,
        seconds: (performance.now() - started) / 1000,
        segments,
        characters,
      });
    try {
      const result = await send();
      report('ok');
      return result;
    } catch (err) {
      const outcome = classifyProviderError(err).kind;
      report(outcome);
      if (api && span) span.setStatus({ code: api.SpanStatusCode.ERROR, message: outcome });
      throw err;
    } finally {
      span?.end();
    }
  }
}
