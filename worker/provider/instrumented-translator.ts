/**
 * Translator decorator reporting each provider request as a `provider:request` event (duration
 * by outcome, segments, characters sent: the worker metrics subscribe to it) and, with
 * TRACING_ENABLED, a CLIENT span per provider request (child of the job whose text opened the
 * request). Sits right above the quota limiter and the Google client in the chain, so it sees each
 * real provider request (after batching, without quota waits).
 */
import type { EventBus } from '../../shared/events.js';
import { countTextsChars } from '../../shared/provider-request/count-chars.js';
import { otel, type Otel } from '../../shared/tracing.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';
import { reportProviderCall } from './report-provider-call.js';

export interface InstrumentedTranslatorOptions {
  /** TRACING_ENABLED: a span per provider request. @default false */
  tracing?: boolean;
  /** Where provider requests are reported. @default none (nothing emitted) */
  events?: EventBus;
}

export class InstrumentedTranslator implements Translator {
  private readonly otel: Otel | undefined;
  private readonly events: EventBus | undefined;

  constructor(
    private readonly inner: Translator,
    options: InstrumentedTranslatorOptions = {},
  ) {
    this.otel = otel(options.tracing ?? false);
    this.events = options.events;
  }

  translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    return reportProviderCall(
      { otel: this.otel, events: this.events },
      {
        method: 'translate',
        segments: request.texts.length,
        characters: countTextsChars(request.texts),
        attributes: {
          'translation.target': request.target,
          ...(request.source ? { 'translation.source': request.source } : {}),
        },
      },
      () => this.inner.translate(request),
    );
  }
}
