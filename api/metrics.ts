/**
 * Prometheus metrics of the API process, in a registry of its own (served at GET /metrics).
 * Counters of requests and characters carry a `key` label: the tenant's name (shared/tenants.ts),
 * never anything a client sends, so its values are the configured keys and `open`, a bounded set.
 * Domain code never records into them (nor imports this module): it emits events
 * (shared/events.ts) and {@link recordApiMetrics} turns each API instance's events into samples;
 * the metric objects are exported for tests that read them. The registry is one per
 * process, so several API instances of one process (tests) add up in it; tests assert deltas.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventBus } from '../shared/events.js';

export const apiRegistry = new Registry();
collectDefaultMetrics({ register: apiRegistry });

/**
 * By Express route pattern (never the raw path, to keep label values bounded) and status. Recorded
 * by the HTTP middleware (http/http-metrics.ts), not through events: it times HTTP, no domain rule.
 */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [apiRegistry],
});

/** Sampled on an interval by the API (QUEUE_METRICS_INTERVAL_MS), never computed per request. */
export const queueJobs = new Gauge({
  name: 'translation_queue_jobs',
  help: 'Jobs in a queue by state (waiting, active, delayed, failed, prioritized, completed), sampled.',
  labelNames: ['queue', 'state'] as const,
  registers: [apiRegistry],
});

/** Requests submitted by outcome: done (answered with the result), pending (202), error. */
export const translateRequests = new Counter({
  name: 'translation_api_requests_total',
  help: 'POST /v1/translate requests by outcome (done: 200 with the result, pending: 202, error) and API key.',
  labelNames: ['outcome', 'key'] as const,
  registers: [apiRegistry],
});

/** The translation cache is read by the API before anything is queued: a hit costs no job. */
export const cacheHits = new Counter({
  name: 'translation_cache_hits_total',
  help: 'POST /v1/translate requests answered from the translation cache (no job, no provider call).',
  registers: [apiRegistry],
});
export const cacheMisses = new Counter({
  name: 'translation_cache_misses_total',
  help: 'POST /v1/translate cache lookups that found nothing.',
  registers: [apiRegistry],
});
/** Identical texts in flight share one job: a request joins the job named by the text's in-flight mark. */
export const dedupJoined = new Counter({
  name: 'translation_dedup_joined_total',
  help: 'POST /v1/translate requests that joined an identical job already in flight.',
  registers: [apiRegistry],
});

/** What the cache scope (CACHE_SCOPE) saves: `shared` saves across keys, `tenant` within each. */
export const cacheSavedChars = new Counter({
  name: 'translation_cache_saved_characters_total',
  help: 'Provider characters saved by POST /v1/translate requests answered from the cache or joined to a text in flight, by cache scope and API key.',
  labelNames: ['scope', 'via', 'key'] as const,
  registers: [apiRegistry],
});

/** Batch metrics, for the batch API (recorded where batches are accepted). */
export const batchesSubmitted = new Counter({
  name: 'translation_batches_submitted_total',
  help: 'Batches accepted by the API, by API key.',
  labelNames: ['key'] as const,
  registers: [apiRegistry],
});
export const batchItemsSubmitted = new Counter({
  name: 'translation_batch_items_submitted_total',
  help: 'Items in accepted batches, by API key.',
  labelNames: ['key'] as const,
  registers: [apiRegistry],
});

/**
 * What GET /v1/usage reports, as it is counted (shared/usage/): translations asked for, and their
 * characters submitted and answered without the provider (`cached`). The workers count `billed`
 * under the same name (worker/metrics.ts).
 */
export const keyRequests = new Counter({
  name: 'translation_key_requests_total',
  help: 'Translations asked for (one per POST /v1/translate, one per batch item), by API key.',
  labelNames: ['key'] as const,
  registers: [apiRegistry],
});
export const keyCharacters = new Counter({
  name: 'translation_key_characters_total',
  help: 'Characters (code points) by API key and kind: submitted, cached (API); billed (workers).',
  labelNames: ['key', 'kind'] as const,
  registers: [apiRegistry],
});

const openWaitSources = new Set<() => number>();
/** Sum over every API instance of the process, sync and batch waits, read at scrape time (no Redis call). */
export const openWaits = new Gauge({
  name: 'translation_api_open_waits',
  help: 'Requests currently waiting for their job or batch in this API process (MAX_OPEN_WAITS).',
  registers: [apiRegistry],
  collect() {
    let n = 0;
    for (const source of openWaitSources) n += source();
    this.set(n);
  },
});

/** Adds a source of open waits (one per API instance); returns its removal. */
export function trackOpenWaits(source: () => number): () => void {
  openWaitSources.add(source);
  return () => openWaitSources.delete(source);
}

/** Work refused because a daily character budget is used up: DAILY_CHAR_BUDGET (`global`) or the key's own (`key`). */
export const budgetRefusals = new Counter({
  name: 'translation_budget_refusals_total',
  help: 'Requests refused with 429 budget_exhausted, by API key and budget: global (DAILY_CHAR_BUDGET) or key (its chars_per_day).',
  labelNames: ['key', 'budget'] as const,
  registers: [apiRegistry],
});

/**
 * Subscribes the API metrics to one API instance's events. Once per bus: a second subscription
 * of the same bus would count everything twice.
 */
export function recordApiMetrics(events: EventBus): void {
  events.on('translate:submitted', ({ outcome, key }) => translateRequests.inc({ outcome, key }));
  events.on('cache:hit', () => cacheHits.inc());
  events.on('cache:miss', () => cacheMisses.inc());
  events.on('dedup:joined', () => dedupJoined.inc());
  events.on('cache:saved', ({ scope, via, characters, key }) =>
    cacheSavedChars.inc({ scope, via, key }, characters),
  );
  events.on('budget:refused', ({ key, budget }) => budgetRefusals.inc({ key, budget }));
  events.on('batch:accepted', ({ items, key }) => {
    batchesSubmitted.inc({ key });
    batchItemsSubmitted.inc({ key }, items);
  });
  events.on('usage:counted', ({ key, requests, submitted, cached }) => {
    if (requests > 0) keyRequests.inc({ key }, requests);
    if (submitted > 0) keyCharacters.inc({ key, kind: 'submitted' }, submitted);
    if (cached > 0) keyCharacters.inc({ key, kind: 'cached' }, cached);
  });
  events.on('queue:sampled', ({ queue, counts }) => {
    for (const [state, n] of Object.entries(counts)) queueJobs.set({ queue, state }, n);
  });
}
