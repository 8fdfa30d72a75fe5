/**
 * Prometheus metrics of a worker process, in a registry of its own (served on WORKER_METRICS_PORT
 * by worker/metrics-server.ts). Domain code never records into them (nor imports this module): the
 * provider chain and the job consumers emit events (shared/events.ts) and
 * {@link recordWorkerMetrics} turns each worker instance's events into samples. The registry is one
 * per process, so several worker instances of one process (tests) add up in it; the metric objects
 * are exported for tests that read them.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { EventBus } from '../shared/events.js';

export const workerRegistry = new Registry();
collectDefaultMetrics({ register: workerRegistry });

export const jobsCompleted = new Counter({
  name: 'translation_jobs_completed_total',
  help: 'Jobs completed, by queue.',
  labelNames: ['queue'] as const,
  registers: [workerRegistry],
});

/** Final failures only (attempts used up, or a permanent error); `reason` is the error code. */
export const jobsFailed = new Counter({
  name: 'translation_jobs_failed_total',
  help: 'Jobs failed for good, by queue and reason (the error code a client sees).',
  labelNames: ['queue', 'reason'] as const,
  registers: [workerRegistry],
});

/** Failed attempts that will be retried. */
export const jobRetries = new Counter({
  name: 'translation_job_retries_total',
  help: 'Failed job attempts that the queue retries, by queue and reason.',
  labelNames: ['queue', 'reason'] as const,
  registers: [workerRegistry],
});

/** From enqueue to completion: what a client waiting on the job experiences. */
export const jobLatency = new Histogram({
  name: 'translation_job_latency_seconds',
  help: 'Time from enqueue to completion of completed jobs, by queue.',
  labelNames: ['queue'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [workerRegistry],
});

/** One observation per HTTP call to the provider; outcome is ok or a classifyProviderError kind. */
export const providerRequestDuration = new Histogram({
  name: 'translation_provider_request_duration_seconds',
  help: 'Duration of provider (Google) requests, by outcome: ok, transient, rate_limited, permanent.',
  labelNames: ['outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers: [workerRegistry],
});

export const providerSegments = new Histogram({
  name: 'translation_provider_segments',
  help: 'Segments (texts) per provider request.',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  registers: [workerRegistry],
});

/** Characters (Unicode code points) of the texts sent; what Google bills for. */
export const providerCharacters = new Counter({
  name: 'translation_provider_characters_total',
  help: 'Characters sent to the provider (billed by Google on successful requests), by outcome.',
  labelNames: ['outcome'] as const,
  registers: [workerRegistry],
});

/**
 * Characters billed per API key (shared/usage/: what GET /v1/usage reports as `billed`), under the
 * API's metric of characters by key. `key` is a tenant's name, a bounded set.
 */
export const keyCharacters = new Counter({
  name: 'translation_key_characters_total',
  help: 'Characters (code points) by API key and kind: billed (sent to the provider for the key and translated).',
  labelNames: ['key', 'kind'] as const,
  registers: [workerRegistry],
});

/**
 * Each wait of a provider request for the fleet quota (PROVIDER_MAX_CHARS_PER_MIN / _RPS): one
 * observation per provider request while a quota is set, of all the time it waited.
 */
export const quotaWait = new Histogram({
  name: 'translation_quota_wait_seconds',
  help: 'Waits of provider requests for the fleet quota, one observation per wait.',
  buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [workerRegistry],
});

/** Protected texts checked (issue 13), by request format and outcome: ok, retried, unsafe. */
export const protectionChecks = new Counter({
  name: 'translation_protection_checks_total',
  help: 'Protected texts whose translation was checked, by format and outcome (ok, retried, unsafe).',
  labelNames: ['format', 'outcome'] as const,
  registers: [workerRegistry],
});

/** Failed checks by kind (placeholder_missing, icu_key_changed, ...) and attempt (1, or 2: the strict retry). */
export const protectionIssues = new Counter({
  name: 'translation_protection_issues_total',
  help: 'Failed checks of protected texts, by issue kind and attempt (1, or 2 for the strict retry).',
  labelNames: ['kind', 'attempt'] as const,
  registers: [workerRegistry],
});

/**
 * Subscribes the worker metrics to one worker instance's events. Once per bus: a second
 * subscription of the same bus would count everything twice.
 */
export function recordWorkerMetrics(events: EventBus): void {
  events.on('provider:request', ({ outcome, seconds, segments, characters }) => {
    providerRequestDuration.observe({ outcome }, seconds);
    providerSegments.observe(segments);
    providerCharacters.inc({ outcome }, characters);
  });
  events.on('quota:waited', ({ seconds }) => quotaWait.observe(seconds));
  events.on('usage:counted', ({ key, billed }) => {
    if (billed > 0) keyCharacters.inc({ key, kind: 'billed' }, billed);
  });
  events.on('protection:checked', ({ format, outcome }) => protectionChecks.inc({ format, outcome }));
  events.on('protection:issue', ({ kind, attempt }) =>
    protectionIssues.inc({ kind, attempt: String(attempt) }),
  );
  events.on('job:completed', ({ queue, job }) => {
    jobsCompleted.inc({ queue });
    if (job.finishedOn) jobLatency.observe({ queue }, Math.max(0, job.finishedOn - job.timestamp) / 1000);
  });
  events.on('job:retry', ({ queue, code }) => jobRetries.inc({ queue, reason: code }));
  events.on('job:failed', ({ queue, code }) => jobsFailed.inc({ queue, reason: code }));
}
