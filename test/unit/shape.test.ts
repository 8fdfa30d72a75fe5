import { describe, expect, it } from 'vitest';
import { shapeKey, type Shape } from '../../shared/provider-request/shape.js';

describe('shapeKey', () => {
  const base: Shape = { target: 'ja', source: 'en', format: 'text', model: 'nmt' };

  it('is the same for the same shape, whatever the object', () => {
    expect(shapeKey({ ...base })).toBe(shapeKey(base));
    expect(shapeKey({ target: 'ja', format: 'text' })).toBe(
      shapeKey({ target: 'ja', source: undefined, format: 'text', model: undefined }),
    );
  });

  it('differs when any field differs', () => {
    const keys = [
      base,
      { ...base, target: 'ko' },
      { ...base, source: undefined },
      { ...base, source: 'fr' },
      { ...base, format: 'html' as const },
      { ...base, model: undefined },
      { ...base, model: 'base' },
    ].map(shapeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps fields apart: a field cannot run into the next one', () => {
    expect(shapeKey({ target: 'en', source: 'fr', format: 'text' })).not.toBe(
      shapeKey({ target: 'enfr', format: 'text' }),
    );
  });
});
