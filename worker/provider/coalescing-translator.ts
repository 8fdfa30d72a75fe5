/**
 * Provider micro-batching: a `Translator` decorator that packs the segments of concurrent calls
 * sharing (source, target, format, model) into as few provider requests as it can, and bounds how
 * many provider requests the process keeps open (`PROVIDER_CONCURRENCY`).
 *
 * - A group is flushed on the next turn of the event loop (`windowMs` 0, the default), so a lone
 *   job waits for nothing; or after `windowMs`; or at once when it is full (`maxSegments` or
 *   `maxChars`).
 * - While every provider slot is busy, ready groups keep collecting segments instead of queueing
 *   small requests, so batches grow with load (up to the limits) and the backlog costs nothing.
 * - Each caller gets its own segments' results. When a provider request carrying several callers'
 *   segments is refused for good with 400 (one bad segment fails the whole request at Google), it
 *   is bisected between callers until only the bad segments' callers fail; a caller of several
 *   segments (a batch chunk) gets the error and isolates its own bad texts.
 * - `batching: false` sends every call as it came, still bounded by `concurrency`.
 */
import type { Config } from '../../shared/config.js';
import { classifyProviderError } from './classify-provider-error.js';
import { PROBE_TEXT } from './translate-isolating.js';
import type { ProviderRequest, ProviderTranslation, Translator } from './google-translator.js';

export interface CoalescingOptions {
  /** false: one provider request per call. @default true */
  batching: boolean;
  /** 0: flush on the next event-loop turn; > 0: wait this long for more segments (ms). @default 0 */
  windowMs: number;
  /** Segments per provider request (Google's limit is 128). @default 128 */
  maxSegments: number;
  /** Characters (code points) of all segments of one provider request (Google recommends ≤ 5,000). */
  maxChars: number;
  /** Provider requests open at once, in this process. */
  concurrency: number;
}

type RequestShape = Omit<ProviderRequest, 'texts'>;

interface Segment {
  /** The translate() call the segment came from. */
  caller: object;
  text: string;
  chars: number;
  resolve: (translation: ProviderTranslation) => void;
  reject: (err: unknown) => void;
}

interface Group {
  shape: RequestShape;
  segments: Segment[];
  chars: number;
  /** Flush due: the window ended or the group is full. Stays set until the group is empty. */
  ready: boolean;
  timer?: NodeJS.Timeout;
}

export class CoalescingTranslator implements Translator {
  private readonly groups = new Map<string, Group>();
  private immediate: NodeJS.Immediate | undefined;
  /** Provider requests open now. */
  private active = 0;
  /** Calls waiting for a slot outside the pump (unbatched calls, halves of a split request). */
  private readonly slotWaiters: (() => void)[] = [];
  /** When a request of each group last succeeded: its language pair is known to be accepted. */
  private readonly acceptedAt = new Map<string, number>();

  constructor(
    private readonly inner: Translator,
    private readonly options: CoalescingOptions,
  ) {}

  /** Provider requests open now, and segments waiting for one (for tests and metrics). */
  get stats(): { activeRequests: number; waitingSegments: number } {
    let waiting = 0;
    for (const g of this.groups.values()) waiting += g.segments.length;
    return { activeRequests: this.active, waitingSegments: waiting };
  }

  translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    const { texts, ...shape } = request;
    if (!this.options.batching) return this.send(shape, texts);
    if (texts.length === 0) return Promise.resolve([]);

    const key = JSON.stringify([shape.target, shape.source ?? '', shape.format, shape.model ?? '']);
    let group = this.groups.get(key);
    if (!group) {
      group = { shape, segments: [], chars: 0, ready: false };
      this.groups.set(key, group);
    }
    const g = group;
    const caller = {};
    const results = texts.map(
      (text) =>
        new Promise<ProviderTranslation>((resolve, reject) => {
          const chars = codePoints(text);
          g.segments.push({ caller, text, chars, resolve, reject });
          g.chars += chars;
        }),
    );
    if (this.isFull(g)) {
      this.markReady(g);
      this.pump();
    } else if (!g.ready) {
      this.scheduleFlush(g);
    }
    return Promise.all(results);
  }

  private isFull(group: Group): boolean {
    return group.segments.length >= this.options.maxSegments || group.chars >= this.options.maxChars;
  }

  private scheduleFlush(group: Group): void {
    if (this.options.windowMs > 0) {
      group.timer ??= setTimeout(() => {
        group.timer = undefined;
        group.ready = true;
        this.pump();
      }, this.options.windowMs);
      return;
    }
    // One flush per event-loop turn, for every group that collected segments during it.
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      for (const g of this.groups.values()) if (g.segments.length > 0) g.ready = true;
      this.pump();
    });
  }

  private markReady(group: Group): void {
    group.ready = true;
    if (group.timer) clearTimeout(group.timer);
    group.timer = undefined;
  }

  /** Sends ready groups while provider slots are free; segments beyond that keep waiting in their group. */
  private pump(): void {
    while (this.active < this.options.concurrency && this.slotWaiters.length === 0) {
      const entry = this.nextReadyGroup();
      if (!entry) return;
      const [key, group] = entry;
      const batch = this.take(group);
      // Round robin: a group with segments left goes behind the others. A remainder that is not a
      // full request waits for its own flush, as new segments would.
      this.groups.delete(key);
      if (group.segments.length > 0) {
        this.groups.set(key, group);
        if (!this.isFull(group)) {
          group.ready = false;
          this.scheduleFlush(group);
        }
      }
      void this.sendSegments(group.shape, batch, key);
    }
  }

  private nextReadyGroup(): [string, Group] | undefined {
    for (const entry of this.groups) if (entry[1].ready && entry[1].segments.length > 0) return entry;
    return undefined;
  }

  /** Takes one provider request's worth of segments (at least one, whatever its size). */
  private take(group: Group): Segment[] {
    let count = 0;
    let chars = 0;
    for (const s of group.segments) {
      if (count >= this.options.maxSegments) break;
      if (count > 0 && chars + s.chars > this.options.maxChars) break;
      count += 1;
      chars += s.chars;
    }
    group.chars -= chars;
    return group.segments.splice(0, count);
  }

  private async sendSegments(shape: RequestShape, segments: Segment[], key: string): Promise<void> {
    try {
      const translations = await this.send(
        shape,
        segments.map((s) => s.text),
      );
      this.acceptedAt.set(key, Date.now());
      segments.forEach((s, i) => s.resolve(translations[i]!));
    } catch (err) {
      const callers = new Set(segments.map((s) => s.caller)).size;
      if (callers > 1 && isRefusedForGood(err) && (await this.languagePairAccepted(shape, key))) {
        // Split between callers only: a caller of several segments (a batch chunk) isolates its
        // own bad texts, and would otherwise pay for the same bisection twice.
        const [left, right] = splitBetweenCallers(segments);
        void this.sendSegments(shape, left, key);
        void this.sendSegments(shape, right, key);
      } else {
        for (const s of segments) s.reject(err);
      }
    }
  }

  /**
   * Google answers the same 400 "Invalid Value" for a refused language pair and for one bad text.
   * A pair that worked a moment ago, or a one-word probe, tells them apart before splitting (a
   * refused pair would otherwise cost 2n-1 requests that all fail).
   */
  private async languagePairAccepted(shape: RequestShape, key: string): Promise<boolean> {
    const at = this.acceptedAt.get(key);
    if (at !== undefined && Date.now() - at < LANGUAGE_PAIR_TRUST_MS) return true;
    try {
      await this.send(shape, [PROBE_TEXT]);
      this.acceptedAt.set(key, Date.now());
      return true;
    } catch {
      return false;
    }
  }

  private async send(shape: RequestShape, texts: string[]): Promise<ProviderTranslation[]> {
    // Taken synchronously when free, so the pump's loop sees the count it changed.
    if (this.active < this.options.concurrency) this.active += 1;
    else await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    try {
      const translations = await this.inner.translate({ ...shape, texts });
      if (translations.length !== texts.length) {
        throw new Error(`provider returned ${translations.length} translations for ${texts.length} segments`);
      }
      return translations;
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.slotWaiters.shift();
    if (next) {
      next(); // the slot passes straight to the next waiting call
      return;
    }
    this.active -= 1;
    // A slot is free again: whatever collected meanwhile goes out now.
    if (this.options.batching) this.pump();
  }
}

/** A language pair accepted this recently is not probed again before splitting a refused request. */
const LANGUAGE_PAIR_TRUST_MS = 60_000;

/** A 400 that retrying cannot fix (Google refuses the whole request when one segment is bad). */
function isRefusedForGood(err: unknown): boolean {
  const failure = classifyProviderError(err);
  return failure.kind === 'permanent' && failure.status === 400;
}

/** Cuts segments (in caller order) into two parts at the caller boundary nearest the middle. */
function splitBetweenCallers(segments: Segment[]): [Segment[], Segment[]] {
  const middle = segments.length / 2;
  let best = 0;
  for (let i = 1; i < segments.length; i++) {
    if (
      segments[i]!.caller !== segments[i - 1]!.caller &&
      (best === 0 || Math.abs(i - middle) < Math.abs(best - middle))
    ) {
      best = i;
    }
  }
  return [segments.slice(0, best), segments.slice(best)];
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** The batcher's settings from config (Google's 128-segment limit is fixed). */
export function coalescingOptions(config: Config): CoalescingOptions {
  return {
    batching: config.PROVIDER_BATCHING,
    windowMs: config.PROVIDER_BATCH_WINDOW_MS,
    maxSegments: 128,
    maxChars: config.PROVIDER_BATCH_MAX_CHARS,
    concurrency: config.PROVIDER_CONCURRENCY,
  };
}
