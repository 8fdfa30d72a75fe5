/**
 * Domain events: what the API and the worker report about their work, for whoever listens.
 *
 * Domain code emits facts ("a request was answered from the cache", "a provider request took
 * 0.3 s") and never imports a metrics library or decides how a fact is logged; metrics
 * (api/metrics.ts, worker/metrics.ts) and log lines subscribe from outside, as graphile/worker's
 * `WorkerEvents` do. One bus per API or worker instance, made by its factory and handed to the
 * components it builds; a component built without one emits nothing.
 *
 * Listeners run synchronously, in the order they subscribed, inside `emit`: they must be cheap and
 * must not throw (an exception reaches the emitting code). An event nobody listens to costs one
 * property read (tens of nanoseconds), so emitting on the hot path (thousands per second) is free.
 */
import type { Job } from 'bullmq';
import type { UsageCounts } from './usage/usage-counts.js';

/** Marks an entry's payload type; the value itself is never read. */
const payload = <T>(): T => undefined as T;

/** Every event the service emits, by name, with its payload type. */
export const SERVICE_EVENTS = {
  // --- API ---
  /**
   * A POST /v1/translate went through the translation service: `done` (200), `pending` (202),
   * `error` (threw). `key`: the tenant's name (shared/tenants.ts: configured names and `open` only,
   * a bounded set), as on every event that carries one.
   */
  'translate:submitted': payload<{ outcome: 'done' | 'pending' | 'error'; key: string }>(),
  /** A translate request was answered from the translation cache: no job, no provider call. */
  'cache:hit': payload<void>(),
  /** A cache lookup of a translate request found nothing (only while the cache is on). */
  'cache:miss': payload<void>(),
  /** A translate request joined an identical text already in flight (its in-flight mark). */
  'dedup:joined': payload<void>(),
  /**
   * Provider characters a translate request did not cost: answered from the cache (`cache`) or
   * joined an identical text in flight (`join`), in the cache scope it was placed in (CACHE_SCOPE).
   */
  'cache:saved': payload<{
    scope: 'tenant' | 'shared';
    via: 'cache' | 'join';
    characters: number;
    key: string;
  }>(),
  /**
   * Work refused with 429 budget_exhausted: DAILY_CHAR_BUDGET (`global`) or the key's own
   * `chars_per_day` (`key`) is used up for the day.
   */
  'budget:refused': payload<{ key: string; budget: 'global' | 'key' }>(),
  /** A batch was accepted, with its number of items (texts × target languages). */
  'batch:accepted': payload<{ items: number; key: string }>(),
  /**
   * A key's usage grew (shared/usage/usage-recorder.ts; API: `requests`, `submitted`, `cached`;
   * worker: `billed`), in code points (shared/provider-request/count-chars.ts). Fields not counted
   * are 0.
   */
  'usage:counted': payload<{ key: string } & UsageCounts>(),
  /** A queue's job counts by state, sampled on an interval (QUEUE_METRICS_INTERVAL_MS). */
  'queue:sampled': payload<{ queue: string; counts: Readonly<Record<string, number>> }>(),

  // --- Worker: the provider chain ---
  /**
   * One real provider request finished (after batching, without quota waits). `outcome` is `ok`
   * or the kind worker/provider/classify-provider-error.ts gave its failure; `characters` are code
   * points, what Google bills; `seconds` is the call's duration.
   */
  'provider:request': payload<{
    outcome: string;
    seconds: number;
    segments: number;
    characters: number;
  }>(),
  /**
   * A provider request got through the fleet quota (PROVIDER_MAX_CHARS_PER_MIN / _RPS): one per
   * request while a quota is set, `seconds` being all the time it waited (about 0 when it fitted).
   */
  'quota:waited': payload<{ seconds: number }>(),

  // --- Worker: text protection (worker/protection/) ---
  /**
   * A protected text's translation was checked (issue 13), once per text: `ok` on the first try,
   * `retried` when the strict retry passed, `unsafe` when both failed; `format` is the request's.
   */
  'protection:checked': payload<{ format: string; outcome: 'ok' | 'retried' | 'unsafe' }>(),
  /** One failed check of a protected text, by its stable kind; `attempt` 1 is the first try, 2 the strict retry. */
  'protection:issue': payload<{ kind: string; attempt: 1 | 2 }>(),

  // --- Worker: jobs (every consumer: translate, translate-batch, batch-webhook) ---
  /** A job completed. */
  'job:completed': payload<{ queue: string; job: Job }>(),
  /** An attempt failed and the queue will retry it. `code` is the error code a client would see. */
  'job:retry': payload<{ queue: string; job: Job; error: Error; code: string }>(),
  /** A job failed for good: out of attempts, or a permanent error. */
  'job:failed': payload<{ queue: string; job: Job; error: Error; code: string }>(),
} as const;

export type ServiceEvents = { [K in keyof typeof SERVICE_EVENTS]: (typeof SERVICE_EVENTS)[K] };
export type ServiceEventName = keyof ServiceEvents;

type Listener<T> = (payload: T) => void;
/** `emit(name)` for events without a payload, `emit(name, payload)` for the others. */
type PayloadArgs<T> = [T] extends [void] ? [] : [payload: T];

/** A typed, synchronous event emitter over an event map such as {@link ServiceEvents}. */
export class EventBus<Events extends object = ServiceEvents> {
  // Replaced, never mutated, on (un)subscribe: an emit in progress keeps the list it started with.
  private readonly listeners: { [K in keyof Events]?: readonly Listener<Events[K]>[] } = {};

  /** Subscribes `listener` to `name`; returns its removal. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    this.listeners[name] = [...(this.listeners[name] ?? []), listener];
    return () => {
      const rest = this.listeners[name]?.filter((l) => l !== listener);
      if (rest?.length) this.listeners[name] = rest;
      else delete this.listeners[name];
    };
  }

  emit<K extends keyof Events>(name: K, ...payload: PayloadArgs<Events[K]>): void;
  // Not a rest parameter: no array is made per call.
  emit(name: keyof Events, payload?: unknown): void {
    const listeners = this.listeners[name];
    if (listeners === undefined) return;
    for (const listener of listeners) (listener as Listener<unknown>)(payload);
  }
}
