import { describe, expect, it } from 'vitest';
import { countChars } from '../../shared/provider-request/count-chars.js';

describe('countChars', () => {
  it('counts code points: an astral character is one, not two UTF-16 units', () => {
    expect(countChars('')).toBe(0);
    expect(countChars('hello')).toBe(5);
    expect(countChars('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(countChars('a😀b𠀋c')).toBe(5);
    expect(countChars('안녕하세요')).toBe(5);
  });

  it('counts a combining mark as a code point of its own', () => {
    expect(countChars('e\u0301')).toBe(2);
    expect(countChars('\u00e9')).toBe(1);
    // A flag is two regional-indicator code points; a family emoji is several joined by ZWJ.
    expect(countChars('🇫🇷')).toBe(2);
    expect(countChars('👩‍👩‍👧')).toBe(5);
  });

  it('counts a lone surrogate as one, like the string iterator', () => {
    for (const s of [
      '\ud800',
      '\udc00',
      'a\ud800',
      '\ud800a',
      '\udc00\ud800',
      '\ud800\ud800\udc00',
      'x\udfff',
    ]) {
      expect(countChars(s)).toBe([...s].length);
    }
  });

  it('agrees with the string iterator on mixed text', () => {
    const pieces = ['a', 'é', 'e\u0301', '😀', '\ud83d', '\ude00', '中', ' ', '\u0000'];
    let text = '';
    for (let i = 0; i < 500; i++) text += pieces[(i * 7 + (i >> 3)) % pieces.length];
    expect(countChars(text)).toBe([...text].length);
  });
});
