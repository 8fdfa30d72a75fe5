/**
 * Provider micro-batching: a `Translator` decorator that packs the texts of concurrent calls of one
 * shape (shared/provider-request/shape.ts) into as few provider requests as the limits allow
 * (pack.ts), with at most PROVIDER_CONCURRENCY requests open (provider-concurrency.ts).
 *
 * - A shape's queue is flushed on the next turn of the event loop (`windowMs` 0, the default), so a
 *   lone job waits for nothing; or after `windowMs`; or at once when it holds a full request.
 * - While every provider slot is busy, ready queues keep collecting texts instead of queueing
 *   small requests, so requests grow with load (up to the limits) and the backlog costs nothing.
 * - Each caller gets its own texts' results. A request refused for good with 400 is isolated
 *   (isolate.ts) with whole callers as units: split between callers until only the bad texts'
 *   callers fail; a caller of several texts (a job) gets the error and isolates its own texts.
 * - `batching: false` sends every call as it came, still bounded by `concurrency`.
 */
import type { Config } from '../../shared/config.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { sendIsolating } from '../../shared/provider-request/isolate.js';
import { packLimits, type PackLimits } from '../../shared/provider-request/limits.js';
import { PackingQueue } from '../../shared/provider-request/pack.js';
import { shapeKey } from '../../shared/provider-request/shape.js';
import type { ProviderRequest, ProviderShape, ProviderTranslation, Translator } from './google-translator.js';
import { ProviderConcurrency } from './provider-concurrency.js';
import { isRefusedForGood, PROBE_TEXT } from './translate-isolating.js';

export interface ProviderBatcherOptions extends PackLimits {
  /** false: one provider request per call. @default true (PROVIDER_BATCHING) */
  batching: boolean;
  /** 0: flush on the next event-loop turn; > 0: wait this long for more texts (ms). @default 0 */
  windowMs: number;
  /** Provider requests open at once, in this process. @default 64 (PROVIDER_CONCURRENCY) */
  concurrency: number;
}

interface Segment {
  /** The translate() call the segment came from. */
  caller: object;
  text: string;
  resolve: (translation: ProviderTranslation) => void;
  reject: (err: unknown) => void;
}

interface ShapeQueue {
  shape: ProviderShape;
  key: string;
  segments: PackingQueue<Segment>;
  /** Flush due: the window ended or the queue is full. Stays set until the queue is empty. */
  ready: boolean;
  timer?: NodeJS.Timeout;
}

export class ProviderBatcher implements Translator {
  /** Insertion order is the round robin between shapes. */
  private readonly queues = new Map<string, ShapeQueue>();
  private immediate: NodeJS.Immediate | undefined;
  private readonly slots: ProviderConcurrency;
  /** When a request of each shape last succeeded: its language pair is known to be accepted. */
  private readonly acceptedAt = new Map<string, number>();

  constructor(
    private readonly inner: Translator,
    private readonly options: ProviderBatcherOptions,
  ) {
    // A slot free again: whatever collected meanwhile goes out now.
    this.slots = new ProviderConcurrency(
      options.concurrency,
      options.batching ? () => this.pump() : undefined,
    );
  }

  translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    const { texts, ...shape } = request;
    if (!this.options.batching) return this.send(shape, texts);
    if (texts.length === 0) return Promise.resolve([]);

    const key = shapeKey(shape);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { shape, key, segments: new PackingQueue(this.options), ready: false };
      this.queues.set(key, queue);
    }
    const q = queue;
    const caller = {};
    const results = texts.map(
      (text) =>
        new Promise<ProviderTranslation>((resolve, reject) => {
          q.segments.push({ caller, text, resolve, reject }, countChars(text));
        }),
    );
    if (q.segments.full) {
      this.markReady(q);
      this.pump();
    } else if (!q.ready) {
      this.scheduleFlush(q);
    }
    return Promise.all(results);
  }

  /**
   * Runs a provider call of another kind (detect, languages) in one of this process's
   * PROVIDER_CONCURRENCY slots, first come first served with the translation requests.
   */
  runInSlot<R>(call: () => Promise<R>): Promise<R> {
    return this.slots.run(call);
  }

  private scheduleFlush(queue: ShapeQueue): void {
    if (this.options.windowMs > 0) {
      queue.timer ??= setTimeout(() => {
        queue.timer = undefined;
        queue.ready = true;
        this.pump();
      }, this.options.windowMs);
      return;
    }
    // One flush per event-loop turn, for every queue that collected texts during it.
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      for (const q of this.queues.values()) if (q.segments.size > 0) q.ready = true;
      this.pump();
    });
  }

  private markReady(queue: ShapeQueue): void {
    queue.ready = true;
    if (queue.timer) clearTimeout(queue.timer);
    queue.timer = undefined;
  }

  /** Sends ready queues while provider slots are free; texts beyond that keep waiting in their queue. */
  private pump(): void {
    while (this.slots.free) {
      const queue = this.nextReadyQueue();
      if (!queue) return;
      const segments = queue.segments.take();
      // Round robin: a queue with texts left goes behind the others. A remainder that is not a
      // full request waits for its own flush, as new texts would.
      this.queues.delete(queue.key);
      if (queue.segments.size > 0) {
        this.queues.set(queue.key, queue);
        if (!queue.segments.full) {
          queue.ready = false;
          this.scheduleFlush(queue);
        }
      }
      void this.sendSegments(queue, segments);
    }
  }

  private nextReadyQueue(): ShapeQueue | undefined {
    for (const q of this.queues.values()) if (q.ready && q.segments.size > 0) return q;
    return undefined;
  }

  /** One request for the segments, isolating refused callers (units are whole callers). */
  private sendSegments({ shape, key }: ShapeQueue, segments: Segment[]): Promise<void> {
    return sendIsolating<ProviderTranslation>(
      {
        send: (start, end) => this.send(shape, textsOf(segments, start, end)),
        succeed: (start, end, translations) => {
          this.acceptedAt.set(key, Date.now());
          for (let i = start; i < end; i++) segments[i]!.resolve(translations[i - start]!);
        },
        fail: (start, end, err) => {
          for (let i = start; i < end; i++) segments[i]!.reject(err);
        },
        isRefusal: isRefusedForGood,
        checkLanguagePair: () => this.checkLanguagePair(shape, key),
        isBoundary: (i) => segments[i]!.caller !== segments[i - 1]!.caller,
      },
      0,
      segments.length,
    );
  }

  /** A pair that worked a moment ago is trusted; otherwise a one-word probe asks Google. */
  private checkLanguagePair(shape: ProviderShape, key: string): Promise<unknown> {
    const at = this.acceptedAt.get(key);
    if (at !== undefined && Date.now() - at < LANGUAGE_PAIR_TRUST_MS) return Promise.resolve();
    return this.send(shape, [PROBE_TEXT]).then(() => this.acceptedAt.set(key, Date.now()));
  }

  private send(shape: ProviderShape, texts: string[]): Promise<ProviderTranslation[]> {
    return this.slots.run(translateAll, this.inner, { ...shape, texts });
  }
}

/** A language pair accepted this recently is not probed again before splitting a refused request. */
const LANGUAGE_PAIR_TRUST_MS = 60_000;

async function translateAll(inner: Translator, request: ProviderRequest): Promise<ProviderTranslation[]> {
  const translations = await inner.translate(request);
  if (translations.length !== request.texts.length) {
    throw new Error(
      `provider returned ${translations.length} translations for ${request.texts.length} segments`,
    );
  }
  return translations;
}

function textsOf(segments: Segment[], start: number, end: number): string[] {
  const texts = new Array<string>(end - start);
  for (let i = start; i < end; i++) texts[i - start] = segments[i]!.text;
  return texts;
}

/** The batcher's settings from config (Google's 128-segment limit is fixed). */
export function providerBatcherOptions(config: Config): ProviderBatcherOptions {
  return {
    batching: config.PROVIDER_BATCHING,
    windowMs: config.PROVIDER_BATCH_WINDOW_MS,
    ...packLimits(config.PROVIDER_BATCH_MAX_CHARS),
    concurrency: config.PROVIDER_CONCURRENCY,
  };
}
