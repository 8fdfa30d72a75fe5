/**
 * A CONSUMER span per job attempt (when TRACING_ENABLED), child of the HTTP request that enqueued
 * the job (its `traceparent` travels in the job data), active while the processor runs, so the
 * provider call becomes its child.
 */
import type { Job } from 'bullmq';
import { contextFromTraceparent, otel, TRACER_NAME } from '../shared/tracing.js';

export function traceJobs<R>(
  enabled: boolean,
  processor: (job: Job) => Promise<R>,
): (job: Job) => Promise<R> {
  const api = otel(enabled);
  if (!api) return processor;
  const tracer = api.trace.getTracer(TRACER_NAME);
  return async (job) => {
    const parent = contextFromTraceparent(
      api,
      (job.data as { traceparent?: unknown } | undefined)?.traceparent,
    );
    const span = tracer.startSpan(
      `${job.queueName} process`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': job.queueName,
          'messaging.message.id': String(job.id),
          'job.attempt': job.attemptsMade + 1,
        },
      },
      parent,
    );
    try {
      return await api.context.with(api.trace.setSpan(parent, span), () => processor(job));
    } catch (err) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error).name });
      throw err;
    } finally {
      span.end();
    }
  };
}
