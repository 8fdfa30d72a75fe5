import { describe, expect, it } from 'vitest';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { MAX_SEGMENTS_PER_REQUEST, packLimits } from '../../shared/provider-request/limits.js';
import { fitsInPack, PackingQueue } from '../../shared/provider-request/pack.js';

/** Pushes the texts, then takes packs until the queue is empty: the packs' texts. */
function packAll(texts: string[], maxChars: number): string[][] {
  const queue = new PackingQueue<string>(packLimits(maxChars));
  for (const text of texts) queue.push(text, countChars(text));
  const packs: string[][] = [];
  while (queue.size > 0) packs.push(queue.take());
  return packs;
}

describe('fitsInPack', () => {
  const limits = { maxSegments: 3, maxChars: 10 };

  it('lets the first text in whatever its size', () => {
    expect(fitsInPack(limits, 0, 0, 1_000)).toBe(true);
  });

  it('refuses a text past the segment or the character limit', () => {
    expect(fitsInPack(limits, 2, 5, 5)).toBe(true);
    expect(fitsInPack(limits, 2, 5, 6)).toBe(false);
    expect(fitsInPack(limits, 3, 3, 1)).toBe(false);
  });
});

describe('PackingQueue', () => {
  it('packs at most 128 segments per request', () => {
    const packs = packAll(
      Array.from({ length: 300 }, (_, i) => `t${i}`),
      1_000_000,
    );
    expect(MAX_SEGMENTS_PER_REQUEST).toBe(128);
    expect(packs.map((p) => p.length)).toEqual([128, 128, 44]);
    expect(packs.flat()).toEqual(Array.from({ length: 300 }, (_, i) => `t${i}`));
  });

  it('packs at most maxChars characters per request', () => {
    const packs = packAll(['a'.repeat(2000), 'b'.repeat(2000), 'c'.repeat(1000), 'd'.repeat(1)], 5000);
    expect(packs.map((p) => p.map(countChars))).toEqual([[2000, 2000, 1000], [1]]);
  });

  it('sends a text larger than maxChars alone, in its place', () => {
    const packs = packAll(['a', 'b'.repeat(6000), 'c'], 5000);
    expect(packs.map((p) => p.map(countChars))).toEqual([[1], [6000], [1]]);
  });

  it('counts characters as code points: 2,500 emoji are 2,500 characters', () => {
    const emoji = '😀'.repeat(2500);
    expect(packAll([emoji, emoji], 5000)).toEqual([[emoji, emoji]]);
  });

  it('is full once it holds a whole request, and not before', () => {
    const queue = new PackingQueue<string>({ maxSegments: 3, maxChars: 10 });
    queue.push('a', 4);
    queue.push('b', 4);
    expect(queue.full).toBe(false);
    queue.push('c', 4); // would not fit: the first request is [a, b]
    expect(queue.full).toBe(true);
    expect(queue.take()).toEqual(['a', 'b']);
    expect(queue.full).toBe(false);
    queue.push('d', 1);
    queue.push('e', 1);
    expect(queue.full).toBe(true); // three segments
    expect(queue.take()).toEqual(['c', 'd', 'e']);
    expect(queue.size).toBe(0);
  });

  it('takes at least one item from a non-empty queue', () => {
    const queue = new PackingQueue<string>({ maxSegments: 128, maxChars: 10 });
    queue.push('big', 50);
    expect(queue.full).toBe(true);
    expect(queue.take()).toEqual(['big']);
    expect(queue.size).toBe(0);
    expect(queue.full).toBe(false);
  });
});
