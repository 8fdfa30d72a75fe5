/**
 * Counters tests and benchmarks read to prove what reached "Google": how many requests, segments
 * and billed characters; how requests were batched (the request log); and whether a given text
 * was ever sent at all (e.g. a cancelled job's text must never be).
 */
import type { FaultKind } from './faults.js';

/** One translate request that passed authentication, whatever its outcome. */
export interface TranslateLogEntry {
  /** Epoch ms when the request arrived. */
  at: number;
  /** HTTP status answered; `0` for a request held by a `hang` fault (never answered). */
  status: number;
  target: string | null;
  source: string | null;
  format: string | null;
  model: string | null;
  segments: number;
  characters: number;
  /** Set when the answer was an injected fault. */
  fault?: FaultKind;
}

export interface EmulatorStats {
  /** Translate requests answered 200 (billed). */
  requests: number;
  /** Segments in those requests. */
  segments: number;
  /** Code points in those requests: what Google bills. */
  characters: number;
  /** Translate requests answered 4xx by validation or auth (not faults). */
  rejectedRequests: number;
  /** Detect requests answered 200, and the code points they carried. */
  detectRequests: number;
  detectCharacters: number;
  /** Languages requests answered 200. */
  languagesRequests: number;
  /** Requests (translate, detect, languages) answered with an injected fault (hangs included). */
  faultsInjected: number;
  /** Translate/detect requests waiting for their answer right now (latency or hang). */
  inFlight: number;
  /** Highest `inFlight` since the last reset. */
  maxInFlight: number;
  /** Distinct `q` texts seen in translate requests since the last reset. */
  distinctTextsSeen: number;
  /** True once `maxSeenTexts` distinct texts were recorded: later new texts are not tracked. */
  seenOverflow: boolean;
  /** ISO time of the last reset (or start). */
  since: string;
  /** The last `logSize` translate requests, oldest first. */
  log: TranslateLogEntry[];
}

export class StatsRecorder {
  private counters = StatsRecorder.zero();
  private seen = new Map<string, number>();
  private seenOverflow = false;
  private ring: TranslateLogEntry[] = [];
  private ringNext = 0;
  private since = new Date();
  inFlight = 0;
  private maxInFlight = 0;

  constructor(
    private readonly logSize: number,
    private readonly maxSeenTexts: number,
  ) {}

  private static zero() {
    return {
      requests: 0,
      segments: 0,
      characters: 0,
      rejectedRequests: 0,
      detectRequests: 0,
      detectCharacters: 0,
      languagesRequests: 0,
      faultsInjected: 0,
    };
  }

  /** Every text of a translate request that arrived, counted before any validation or fault. */
  recordSeen(texts: readonly string[]): void {
    for (const text of texts) {
      const count = this.seen.get(text);
      if (count !== undefined) this.seen.set(text, count + 1);
      else if (this.seen.size < this.maxSeenTexts) this.seen.set(text, 1);
      else this.seenOverflow = true;
    }
  }

  /** How many times `text` arrived as a `q` of a translate request since the last reset. */
  seenCount(text: string): number {
    return this.seen.get(text) ?? 0;
  }

  recordTranslate(entry: TranslateLogEntry): void {
    if (entry.fault !== undefined) this.counters.faultsInjected += 1;
    else if (entry.status === 200) {
      this.counters.requests += 1;
      this.counters.segments += entry.segments;
      this.counters.characters += entry.characters;
    } else this.counters.rejectedRequests += 1;
    if (this.logSize === 0) return;
    if (this.ring.length < this.logSize) this.ring.push(entry);
    else this.ring[this.ringNext] = entry;
    this.ringNext = (this.ringNext + 1) % this.logSize;
  }

  recordDetect(characters: number): void {
    this.counters.detectRequests += 1;
    this.counters.detectCharacters += characters;
  }

  /** A detect or languages request answered with an injected fault (translate's are in its log entry). */
  recordFault(): void {
    this.counters.faultsInjected += 1;
  }

  recordLanguages(): void {
    this.counters.languagesRequests += 1;
  }

  enter(): void {
    this.inFlight += 1;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  leave(): void {
    this.inFlight -= 1;
  }

  snapshot(): EmulatorStats {
    const log =
      this.ring.length < this.logSize
        ? [...this.ring]
        : [...this.ring.slice(this.ringNext), ...this.ring.slice(0, this.ringNext)];
    return {
      ...this.counters,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      distinctTextsSeen: this.seen.size,
      seenOverflow: this.seenOverflow,
      since: this.since.toISOString(),
      log,
    };
  }

  /** Zeroes everything except `inFlight` (those requests are still open). */
  reset(): void {
    this.counters = StatsRecorder.zero();
    this.seen.clear();
    this.seenOverflow = false;
    this.ring = [];
    this.ringNext = 0;
    this.since = new Date();
    this.maxInFlight = this.inFlight;
  }
}
