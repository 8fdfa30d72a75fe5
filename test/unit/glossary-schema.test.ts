/**
 * A glossary's body rules and its version, pure: the version is pinned (it is part of cache keys,
 * so a change to the digest changes every stored glossary's version) and follows every part of the
 * content; duplicate sources are found with the matcher's own case folding.
 */
import { describe, expect, it } from 'vitest';
import { glossaryBody } from '../../shared/glossaries/glossary-schema.js';
import { glossaryVersion } from '../../shared/glossaries/glossary-store.js';

const README_EXAMPLE = {
  src_lang: 'en',
  tgt_lang: 'ko',
  case_sensitive: false,
  entries: [
    { source: 'Acme Cloud', target: 'Acme Cloud' },
    { source: 'bucket', target: '버킷' },
  ],
};

describe('glossaryVersion', () => {
  it('is the digest the README shows, and the same for the same content', () => {
    expect(glossaryVersion(README_EXAMPLE)).toBe('7d2e8b328aa19ed3d8387b8875da0424');
    expect(glossaryVersion(structuredClone(README_EXAMPLE))).toBe(glossaryVersion(README_EXAMPLE));
  });

  it('changes with each part of the content', () => {
    const base = glossaryVersion(README_EXAMPLE);
    const variants = [
      { ...README_EXAMPLE, src_lang: 'en-US' },
      { ...README_EXAMPLE, tgt_lang: 'ja' },
      { ...README_EXAMPLE, case_sensitive: true },
      { ...README_EXAMPLE, entries: README_EXAMPLE.entries.slice(1) },
      { ...README_EXAMPLE, entries: [...README_EXAMPLE.entries].reverse() },
      { ...README_EXAMPLE, entries: [README_EXAMPLE.entries[0]!, { source: 'bucket', target: '버킷 ' }] },
      // Field boundaries are kept: moving a character from source to target is another content.
      { ...README_EXAMPLE, entries: [{ source: 'ab', target: 'c' }] },
      { ...README_EXAMPLE, entries: [{ source: 'a', target: 'bc' }] },
    ];
    const versions = new Set([base, ...variants.map((v) => glossaryVersion(v))]);
    expect(versions.size).toBe(variants.length + 1);
  });
});

describe('glossaryBody', () => {
  const body = (entries: { source: string; target: string }[], caseSensitive?: boolean) => ({
    src_lang: 'en',
    tgt_lang: 'de',
    entries,
    ...(caseSensitive === undefined ? {} : { case_sensitive: caseSensitive }),
  });

  it('defaults case_sensitive to false', () => {
    expect(glossaryBody.parse(body([{ source: 'a', target: 'b' }])).case_sensitive).toBe(false);
  });

  it('finds duplicates as the matcher folds case: per character, outer spaces ignored', () => {
    const issues = (entries: { source: string; target: string }[], cs?: boolean) =>
      glossaryBody.safeParse(body(entries, cs)).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(
      issues([
        { source: 'Straße', target: 'x' },
        { source: ' STRAßE', target: 'y' },
      ]),
    ).toEqual([['entries.1.source', 'the same source (ignoring case) as entries.0']]);
    // "İ" lower-cases to two characters; the matcher keeps it, so it is not "i".
    expect(
      issues([
        { source: 'İstanbul', target: 'x' },
        { source: 'istanbul', target: 'y' },
      ]),
    ).toBeUndefined();
    expect(
      issues(
        [
          { source: 'Go', target: 'x' },
          { source: 'go', target: 'y' },
        ],
        true,
      ),
    ).toBeUndefined();
  });
});
