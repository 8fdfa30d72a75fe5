/**
 * Translator decorator reporting each provider request as a `provider:request` event (duration
 * by outcome, segments, characters sent: the worker metrics subscribe to it) and, with
 * TRACING_ENABLED, a CLIENT span per provider request (child of the job whose text opened the
 * request). Sits right above the quota limiter and the Google client in the chain, so it sees each
 * real provider request (after batching, without quota waits).
 */
import type { EventBus } from '../../shared/events.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { otel, TRACER_NAME, type Otel } from '../../shared/tracing.js';
import { classifyProviderError } from './classify-provider-error.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

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

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    const started = performance.now();
    let characters = 0;
    for (const text of request.texts) characters += countChars(text);
    const api = this.otel;
    // Languages and sizes only: texts never go into spans.
    const span = api?.trace.getTracer(TRACER_NAME).startSpan('provider translate', {
      kind: api.SpanKind.CLIENT,
      attributes: {
        'translation.segments': request.texts.length,
        'translation.characters': characters,
        'translation.target': request.target,
        ...(request.source ? { 'translation.source': request.source } : {}),
      },
    });
    const report = (outcome: string) =>
      this.events?.emit('provider:request', {
        outcome,
        seconds: (performance.now() - started) / 1000,
        segments: request.texts.length,
        characters,
      });
    try {
      const result = await this.inner.translate(request);
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
