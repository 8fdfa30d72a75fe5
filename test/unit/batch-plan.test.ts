import { describe, expect, it } from 'vitest';
import { planChunks } from '../../api/batches/batch-plan.js';
import type { StoredItem } from '../../shared/batch-store.js';

describe('planChunks', () => {
  it('translates identical texts of one shape once, and lists every item that has them', () => {
    const items: StoredItem[] = [
      { s: 'hello', t: 'ja' },
      { s: 'world', t: 'ja' },
      { s: 'hello', t: 'ja' },
      { s: 'hello', t: 'ko' },
      { s: 'hello', t: 'ja', f: 'en' },
      { s: 'hello', t: 'ja', m: 'html' },
      { s: 'world', t: 'ja' },
    ];
    expect(planChunks(items, 5000)).toEqual([
      {
        chunk: 0,
        target: 'ja',
        format: 'text',
        texts: ['hello', 'world'],
        indexes: [
          [0, 2],
          [1, 6],
        ],
      },
      { chunk: 1, target: 'ko', format: 'text', texts: ['hello'], indexes: [[3]] },
      { chunk: 2, target: 'ja', source: 'en', format: 'text', texts: ['hello'], indexes: [[4]] },
      { chunk: 3, target: 'ja', format: 'html', texts: ['hello'], indexes: [[5]] },
    ]);
  });

  it('packs at most 128 distinct texts per chunk', () => {
    const items = Array.from({ length: 300 }, (_, i): StoredItem => ({ s: `t${i % 260}`, t: 'de' }));
    const chunks = planChunks(items, 1_000_000);
    expect(chunks.map((c) => c.texts.length)).toEqual([128, 128, 4]);
    expect(chunks[0]!.indexes[0]).toEqual([0, 260]);
    expect(chunks.flatMap((c) => c.indexes.flat()).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
  });

  it('packs at most maxChars characters (code points) per chunk; a longer text goes alone', () => {
    const items: StoredItem[] = [
      { s: '😀'.repeat(3000), t: 'fr' },
      { s: 'b'.repeat(2000), t: 'fr' },
      { s: 'c'.repeat(9000), t: 'fr' },
      { s: 'd', t: 'fr' },
    ];
    const chunks = planChunks(items, 5000);
    expect(chunks.map((c) => c.indexes)).toEqual([[[0], [1]], [[2]], [[3]]]);
  });

  it('groups by protection settings too, and carries them (the glossary at its looked-up version) into the chunk', () => {
    const items: StoredItem[] = [
      { s: 'hi', t: 'ja' },
      { s: 'hi', t: 'ja', p: ['braces'] },
      { s: 'hi', t: 'ja', p: ['braces'], u: 'return' },
      { s: 'hi', t: 'ja', m: 'markdown', g: 'terms' },
      { s: 'ho', t: 'ja', p: ['braces'] },
    ];
    const glossaries = new Map([['terms', { owner: 'acme', name: 'terms', version: 'v7' }]]);
    expect(planChunks(items, 5000, glossaries)).toEqual([
      { chunk: 0, target: 'ja', format: 'text', texts: ['hi'], indexes: [[0]] },
      {
        chunk: 1,
        target: 'ja',
        format: 'text',
        placeholders: ['braces'],
        texts: ['hi', 'ho'],
        indexes: [[1], [4]],
      },
      {
        chunk: 2,
        target: 'ja',
        format: 'text',
        placeholders: ['braces'],
        on_unsafe: 'return',
        texts: ['hi'],
        indexes: [[2]],
      },
      {
        chunk: 3,
        target: 'ja',
        format: 'markdown',
        glossary: { owner: 'acme', name: 'terms', version: 'v7' },
        texts: ['hi'],
        indexes: [[3]],
      },
    ]);
  });
});
