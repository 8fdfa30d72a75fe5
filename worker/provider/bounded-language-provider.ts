/**
 * The provider's detect and languages calls under the same limits as its translations: each call
 * takes one of the process's PROVIDER_CONCURRENCY slots (the batcher's), then its characters from
 * the fleet quota (detect is billed per character like a translation; a languages call costs one
 * request and no characters), and is reported as a `provider:request` event (and a CLIENT span
 * with TRACING_ENABLED) like every other provider request, so metrics count what Google bills.
 */
import type { EventBus } from '../../shared/events.js';
import type { Detection, LanguageEntry } from '../../shared/language-schemas.js';
import { countTextsChars } from '../../shared/provider-request/count-chars.js';
import { otel, type Otel } from '../../shared/tracing.js';
import type { LanguageProvider } from './google-translator.js';
import { reportProviderCall } from './report-provider-call.js';

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
    return this.call('detect', texts.length, countTextsChars(texts), () => this.inner.detect(texts));
  }

  languages(target: string): Promise<LanguageEntry[]> {
    return this.call('languages', 0, 0, () => this.inner.languages(target));
  }

  private call<R>(method: string, segments: number, characters: number, send: () => Promise<R>): Promise<R> {
    return this.limits.runInSlot(async () => {
      await this.limits.admit(characters);
      return reportProviderCall(
        { otel: this.otel, events: this.options.events },
        { method, segments, characters },
        send,
      );
    });
  }
}
