/**
 * Packing texts of one shape into provider requests of at most `maxSegments` texts and `maxChars`
 * characters (see limits.ts). The rule is `fitsInPack`; `PackingQueue` applies it for the three
 * packers, whose timing differs:
 * - the API's request packer pushes each request as it arrives and sends a pack as soon as the
 *   queue is `full`, the rest at the end of the event-loop turn;
 * - the worker's batcher lets its queues grow while every provider slot is busy and takes one
 *   request's worth whenever a slot is free;
 * - the batch planner pushes all of a batch's texts, then takes until the queue is empty.
 */
import type { PackLimits } from './limits.js';

/**
 * Whether a text of `chars` characters may join a pack of `segments` texts and `packChars`
 * characters. The first text always may: a text larger than `maxChars` goes alone.
 */
export function fitsInPack(limits: PackLimits, segments: number, packChars: number, chars: number): boolean {
  return segments === 0 || (segments < limits.maxSegments && packChars + chars <= limits.maxChars);
}

/** Items of one shape waiting for a provider request, in arrival order. */
export class PackingQueue<T> {
  private items: T[] = [];
  /** Characters of each item (a parallel array: items need no field of their own). */
  private chars: number[] = [];
  private totalChars = 0;

  constructor(private readonly limits: PackLimits) {}

  /** Items waiting. */
  get size(): number {
    return this.items.length;
  }

  push(item: T, chars: number): void {
    this.items.push(item);
    this.chars.push(chars);
    this.totalChars += chars;
  }

  /**
   * Holds at least one whole provider request: even a one-character text would not fit behind what
   * waits, so what `take` returns no longer depends on what comes next.
   */
  get full(): boolean {
    return !fitsInPack(this.limits, this.items.length, this.totalChars, 1);
  }

  /** Takes one provider request's worth from the front (at least one item, whatever its size). */
  take(): T[] {
    let count = 0;
    let chars = 0;
    while (count < this.items.length && fitsInPack(this.limits, count, chars, this.chars[count]!)) {
      chars += this.chars[count]!;
      count += 1;
    }
    this.totalChars -= chars;
    if (count === this.items.length) {
      // The common case: everything goes. Hand the array over instead of copying it.
      const taken = this.items;
      this.items = [];
      this.chars = [];
      return taken;
    }
    this.chars.splice(0, count);
    return this.items.splice(0, count);
  }
}
