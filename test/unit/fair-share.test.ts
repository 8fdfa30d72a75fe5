/** The fair-share rule (shared/fair-share.ts): strides inversely proportional to weights. */
import { describe, expect, it } from 'vitest';
import { FAIR_SHARE_SCALE, fairShareStride } from '../../shared/fair-share.js';

describe('fairShareStride', () => {
  it('weight 1 advances one scale per chunk; weight w a w-th of it', () => {
    expect(fairShareStride(1)).toBe(FAIR_SHARE_SCALE);
    expect(fairShareStride(2)).toBe(FAIR_SHARE_SCALE / 2);
    expect(fairShareStride(3)).toBe(FAIR_SHARE_SCALE / 3);
  });

  it('every weight up to 16 has an exact integer stride', () => {
    for (let w = 1; w <= 16; w++) expect(fairShareStride(w) * w).toBe(FAIR_SHARE_SCALE);
  });

  it('any weight up to 1000 gets its share within 0.07 %', () => {
    for (let w = 1; w <= 1000; w++) {
      const share = FAIR_SHARE_SCALE / fairShareStride(w);
      expect(Math.abs(share - w) / w).toBeLessThan(0.0007);
    }
  });

  it('two backlogged tenants get chunks in the ratio of their weights', () => {
    // Start tags of the first 40 chunks of weights 1 and 3 from tag 0, taken in tag order.
    const tags = (weight: number, owner: string) =>
      Array.from({ length: 40 }, (_, i) => ({ owner, tag: i * fairShareStride(weight) }));
    const order = [...tags(1, 'a'), ...tags(3, 'b')].sort((x, y) => x.tag - y.tag).slice(0, 20);
    expect(order.filter((c) => c.owner === 'b')).toHaveLength(15);
  });

  it('refuses a weight that is not positive', () => {
    expect(() => fairShareStride(0)).toThrow(RangeError);
    expect(() => fairShareStride(Number.NaN)).toThrow(RangeError);
  });
});
