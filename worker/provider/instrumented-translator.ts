/**
 * Translator decorator recording provider metrics (request duration by outcome, segments per
 * request, characters sent) and, with TRACING_ENABLED, a CLIENT span per provider request (child of
 * the job whose text opened the request). Sits right above the quota limiter and the Google client
 * in the chain, so it sees each real provider request (after batching, without quota waits).
 */
import { countChars } from '../../shared/provider-request/count-chars.js';
import { otel, TRACER_NAME, type Otel } from '../../shared/tracing.js';
import {
  providerCharacters,
  providerOutcome,
  providerRequestDuration,
  providerSegments,
} from '../metrics.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

export class InstrumentedTranslator implements Translator {
  private readonly otel: Otel | undefined;

  constructor(
    private readonly inner: Translator,
    options: { tracing?: boolean } = {},
  ) {
    this.otel = otel(options.tracing ?? false);
  }

  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    const end = providerRequestDuration.startTimer();
    let characters = 0;
    for (const text of request.texts) characters += countChars(text);
    providerSegments.observe(request.texts.length);
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
    try {
      const result = await this.inner.translate(request);
      end({ outcome: 'ok' });
      providerCharacters.inc({ outcome: 'ok' }, characters);
      return result;
    } catch (err) {
      const outcome = providerOutcome(err);
      end({ outcome });
      providerCharacters.inc({ outcome }, characters);
      if (api && span) span.setStatus({ code: api.SpanStatusCode.ERROR, message: outcome });
      throw err;
    } finally {
      span?.end();
    }
  }
}
