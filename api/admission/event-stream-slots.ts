/**
 * MAX_EVENT_STREAMS_PER_KEY and MAX_EVENT_STREAMS: the SSE streams (`GET /v1/batches/{id}/events`)
 * one API process holds, per client and in all. A stream holds a socket for as long as its batch
 * runs, so without a bound one client could hold every socket of the process.
 * - Over the client's own bound: 429 `rate_limited`, since that client can free a slot itself.
 * - Over the process bound: 429 `overloaded`, since the server is full whoever asks.
 */
import { AppError } from '../../shared/errors.js';

/** Streams end when their batch does; a client refused now can usually open one soon. */
const RETRY_AFTER_S = '5';

export interface EventStreamLimits {
  /** MAX_EVENT_STREAMS: streams open at once in this process. */
  perProcess: number;
  /** MAX_EVENT_STREAMS_PER_KEY: streams one client (API key, or address without keys) holds. */
  perClient: number;
}

export class EventStreamSlots {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(private readonly limits: EventStreamLimits) {}

  /** Streams open now in this process. */
  get size(): number {
    return this.total;
  }

  /** Takes a slot for a stream of `client`; returns its release (idempotent). Throws 429 when full. */
  take(client: string): () => void {
    const { perProcess, perClient } = this.limits;
    const held = this.byClient.get(client) ?? 0;
    if (held >= perClient) {
      throw new AppError(
        'rate_limited',
        'Too many event streams open for this client; close one or retry later.',
        {
          headers: { 'Retry-After': RETRY_AFTER_S },
          details: [{ message: `${held} event streams of this client are open (limit ${perClient}).` }],
        },
      );
    }
    if (this.total >= perProcess) {
      throw new AppError('overloaded', undefined, {
        headers: { 'Retry-After': RETRY_AFTER_S },
        details: [{ message: `${this.total} event streams are open (limit ${perProcess}).` }],
      });
    }
    this.total += 1;
    this.byClient.set(client, held + 1);
    let taken = true;
    return () => {
      if (!taken) return;
      taken = false;
      this.total -= 1;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }
}
