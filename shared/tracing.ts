/**
 * OpenTelemetry spans, off by default (TRACING_ENABLED). Uses only `@opentelemetry/api` (an
 * optional dependency): the application registers no SDK itself. With tracing on, preload an SDK
 * that registers a tracer provider, a context manager and an exporter (e.g.
 * `node --import ./otel-setup.js dist/api/main.js`); without one every span is a no-op.
 *
 * Trace context crosses the queue in the job data as a W3C `traceparent` string, written and read
 * here, so no propagator needs to be registered.
 */
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

export type Otel = typeof OtelApi;
export type { Span } from '@opentelemetry/api';

let loaded: Otel | null | undefined;

/** The OpenTelemetry API when tracing is on and the package is installed; undefined otherwise. */
export function otel(enabled: boolean): Otel | undefined {
  if (!enabled) return undefined;
  if (loaded === undefined) {
    try {
      // Synchronous and optional: the package may be absent (optionalDependencies).
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

export const TRACER_NAME = 'translation-queue';

/** W3C traceparent of the active span, for job data; undefined without an active, valid span. */
export function activeTraceparent(api: Otel | undefined): string | undefined {
  if (!api) return undefined;
  const context = api.trace.getSpan(api.context.active())?.spanContext();
  if (!context || !api.isSpanContextValid(context)) return undefined;
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/** A context whose parent is the span a `traceparent` names (ROOT when absent or malformed). */
export function contextFromTraceparent(api: Otel, traceparent: unknown): OtelApi.Context {
  const match =
    typeof traceparent === 'string'
      ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent)
      : null;
  if (!match) return api.ROOT_CONTEXT;
  const spanContext = {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: parseInt(match[3]!, 16),
    isRemote: true,
  };
  return api.isSpanContextValid(spanContext)
    ? api.trace.setSpanContext(api.ROOT_CONTEXT, spanContext)
    : api.ROOT_CONTEXT;
}
