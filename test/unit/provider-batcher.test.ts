import { describe, expect, it } from 'vitest';
import { ProviderBatcher, type ProviderBatcherOptions } from '../../worker/provider/provider-batcher.js';
import { ProviderConcurrency } from '../../worker/provider/provider-concurrency.js';
import { FakeTranslator, REFUSED_TARGET, REFUSED_TEXT, settle } from './fake-translator.js';

function batcher(fake: FakeTranslator, options: Partial<ProviderBatcherOptions> = {}): ProviderBatcher {
  return new ProviderBatcher(fake, {
    batching: true,
    windowMs: 0,
    maxSegments: 128,
    maxChars: 5000,
    concurrency: 64,
    ...options,
  });
}

const one = (translator: ProviderBatcher, text: string, target = 'ja') =>
  translator.translate({ texts: [text], target, format: 'text' });

describe('ProviderBatcher', () => {
  it('packs the calls of one turn into full requests, multi-text calls included', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake);
    const singles = Array.from({ length: 150 }, (_, i) => one(translator, `s${i}`));
    const multi = translator.translate({
      texts: Array.from({ length: 100 }, (_, i) => `m${i}`),
      target: 'ja',
      format: 'text',
    });
    const [singleResults, multiResult] = await Promise.all([Promise.all(singles), multi]);
    expect(singleResults[149]).toEqual([{ text: '[ja] s149' }]);
    expect(multiResult.map((t) => t.text)).toEqual(Array.from({ length: 100 }, (_, i) => `[ja] m${i}`));
    expect(fake.sizes).toEqual([128, 122]);
  });

  it('keeps shapes apart: one request per shape', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake);
    await Promise.all([
      one(translator, 'a', 'ja'),
      one(translator, 'b', 'ko'),
      one(translator, 'c', 'ja'),
      translator.translate({ texts: ['d'], target: 'ja', format: 'html' }),
      translator.translate({ texts: ['e'], target: 'ja', source: 'en', format: 'text' }),
      translator.translate({ texts: ['f'], target: 'ja', format: 'text', model: 'base' }),
    ]);
    expect(fake.requests.map((r) => r.texts)).toEqual([['a', 'c'], ['b'], ['d'], ['e'], ['f']]);
  });

  it('bounds a request by maxChars, counted in code points', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake, { maxChars: 10 });
    await Promise.all(['😀'.repeat(6), '😀'.repeat(4), 'x'].map((text) => one(translator, text)));
    expect(fake.sizes).toEqual([2, 1]);
  });

  it('keeps at most `concurrency` requests open without batching', async () => {
    const fake = new FakeTranslator();
    fake.hold = true;
    const translator = batcher(fake, { batching: false, concurrency: 2 });
    const calls = Array.from({ length: 6 }, (_, i) => one(translator, `c${i}`));
    await settle();
    expect(fake.open).toBe(2);
    while (fake.requests.length < 6 || fake.open > 0) await fake.release();
    await Promise.all(calls);
    expect(fake.maxOpen).toBe(2);
    expect(fake.sizes).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('lets texts collect while every slot is busy, and sends them when a slot frees', async () => {
    const fake = new FakeTranslator();
    fake.hold = true;
    const translator = batcher(fake, { concurrency: 1 });
    const first = one(translator, 'first', 'fr');
    await settle();
    const rest = Array.from({ length: 50 }, (_, i) => one(translator, `later ${i}`, 'fr'));
    await settle();
    expect(fake.sizes).toEqual([1]); // the later calls wait in the batcher, not in the slot queue
    await fake.release(); // the first request ends: its slot goes to the 50 collected texts
    expect(fake.sizes).toEqual([1, 50]);
    await fake.release();
    await Promise.all([first, ...rest]);
    expect(fake.maxOpen).toBe(1);
  });

  it('bisects between callers so only the bad call fails, after one probe', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => one(translator, i === 11 ? REFUSED_TEXT : `ok ${i}`, 'de')),
    );
    results.forEach((r, i) => {
      if (i === 11) expect(r).toMatchObject({ status: 'rejected', reason: { code: 400 } });
      else expect(r).toEqual({ status: 'fulfilled', value: [{ text: `[de] ok ${i}` }] });
    });
    expect(fake.sizes).toEqual([16, 1, 8, 8, 4, 4, 2, 2, 1, 1]);
  });

  it('trusts a language pair that worked a moment ago: no probe before splitting', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake);
    await one(translator, 'warm', 'de');
    await Promise.allSettled([one(translator, 'a', 'de'), one(translator, REFUSED_TEXT, 'de')]);
    expect(fake.sizes).toEqual([1, 2, 1, 1]);
  });

  it('fails every caller after one probe when the language pair is refused', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => one(translator, `t${i}`, REFUSED_TARGET)),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(fake.sizes).toEqual([60, 1]);
  });

  it('splits only between callers: a multi-text caller gets the error for its own texts', async () => {
    const fake = new FakeTranslator();
    const translator = batcher(fake);
    const chunk = translator.translate({ texts: ['c1', REFUSED_TEXT, 'c3'], target: 'it', format: 'text' });
    const single = one(translator, 'single', 'it');
    const [chunkResult, singleResult] = await Promise.allSettled([chunk, single]);
    expect(chunkResult).toMatchObject({ status: 'rejected', reason: { code: 400 } });
    expect(singleResult).toEqual({ status: 'fulfilled', value: [{ text: '[it] single' }] });
    expect(fake.sizes).toEqual([4, 1, 3, 1]);
  });
});

describe('ProviderConcurrency', () => {
  it('calls onFree once a slot is free again, with the slot already released', async () => {
    const seen: boolean[] = [];
    const slots: ProviderConcurrency = new ProviderConcurrency(1, () => seen.push(slots.free));
    let finish!: () => void;
    const task = slots.run(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(slots.free).toBe(false); // taken synchronously; the task itself starts a microtask later
    await settle();
    finish();
    await task;
    await settle();
    expect(seen).toEqual([true]);
  });

  it('hands a freed slot to the next waiting task first', async () => {
    const seen: boolean[] = [];
    const slots: ProviderConcurrency = new ProviderConcurrency(1, () => seen.push(slots.free));
    const order: string[] = [];
    const a = slots.run(async () => order.push('a'));
    const b = slots.run(async () => order.push('b'));
    expect(slots.free).toBe(false);
    await Promise.all([a, b]);
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect(seen).toEqual([false, true]); // after a, b held the slot; after b it was free
  });
});
