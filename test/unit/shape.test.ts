import { describe, expect, it } from 'vitest';
import { isChecked, shapeKey, type Shape } from '../../shared/provider-request/shape.js';

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

  it('keys protection settings apart, and leaves an unchecked shape as it was', () => {
    expect(shapeKey({ ...base, placeholders: undefined, glossary: undefined })).toBe(shapeKey(base));
    const glossary = { owner: 'acme', name: 'terms', version: 'v1' };
    const keys = [
      base,
      { ...base, format: 'icu' as const },
      { ...base, format: 'markdown' as const },
      { ...base, placeholders: ['braces' as const] },
      { ...base, placeholders: ['braces' as const, 'printf' as const] },
      { ...base, glossary },
      { ...base, glossary: { ...glossary, version: 'v2' } },
      { ...base, glossary: { ...glossary, owner: 'other' } },
      { ...base, glossary, on_unsafe: 'return' as const },
    ].map(shapeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('isChecked', () => {
  it('is true for icu and markdown, placeholders or a glossary; false for plain text and html', () => {
    expect(isChecked({ target: 'ja', format: 'text' })).toBe(false);
    expect(isChecked({ target: 'ja', format: 'html', on_unsafe: 'return' })).toBe(false);
    expect(isChecked({ target: 'ja', format: 'icu' })).toBe(true);
    expect(isChecked({ target: 'ja', format: 'markdown' })).toBe(true);
    expect(isChecked({ target: 'ja', format: 'text', placeholders: ['printf'] })).toBe(true);
    expect(
      isChecked({ target: 'ja', format: 'text', glossary: { owner: 'o', name: 'n', version: 'v' } }),
    ).toBe(true);
  });
});
