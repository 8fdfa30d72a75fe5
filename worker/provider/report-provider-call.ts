/**
 * How one provider call is reported, whatever it is (translate, detect, languages): a
 * `provider:request` event with its outcome, duration, segments and characters (the worker metrics
 * subscribe to it) and, with tracing on, a CLIENT span named `provider <method>` that ends with the
 * call (status ERROR and the failure's kind when it fails). Sizes and languages only: texts never
 * go into spans or events.
 */
import type { EventBus } from '../../shared/events.js';
import { TRACER_NAME, type Otel } from '../../shared/tracing.js';
import { classifyProviderError } from './classify-provider-error.js';

export interface ProviderCallReport {
  /** `translate`, `detect` or `languages`: the span's name is `provider <method>`. */
  method: string;
  segments: number;
  characters: number;
  /** More span attributes (languages). @default none */
  attributes?: Record<string, string | number>;
}

export async function reportProviderCall<R>(
  reporting: { otel: Otel | undefined; events: EventBus | undefined },
  call: ProviderCallReport,
  send: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  const { otel: api, events } = reporting;
  const { method, segments, characters } = call;
  const span = api?.trace.getTracer(TRACER_NAME).startSpan(`provider ${method}`, {
    kind: api.SpanKind.CLIENT,
    attributes: {
      'translation.segments': segments,
      'translation.characters': characters,
      ...call.attributes,
    },
  });
  const report = (outcome: string) =>
    events?.emit('provider:request', {
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
