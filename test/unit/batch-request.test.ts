import { describe, expect, it } from 'vitest';
import { parseBatchRequest } from '../../api/batches/batch-request.js';
import { AppError } from '../../shared/errors.js';

const config = { MAX_BATCH_ITEMS: 6, MAX_TEXT_CHARS: 10 };

/** The status and body a client would get for a refused request. */
function refusal(body: unknown, limits = config): { status: number; body: unknown } {
  try {
    parseBatchRequest(body, limits);
  } catch (err) {
    if (err instanceof AppError) return { status: err.status, body: err.toBody() };
    throw err;
  }
  throw new Error('expected the request to be refused');
}

describe('parseBatchRequest: src_texts × tgt_langs', () => {
  it('expands every text into every target, text by text, in submission order', () => {
    expect(parseBatchRequest({ src_texts: ['a', 'b'], tgt_langs: ['en', 'ja', 'ko'] }, config)).toEqual({
      items: [
        { s: 'a', t: 'en' },
        { s: 'a', t: 'ja' },
        { s: 'a', t: 'ko' },
        { s: 'b', t: 'en' },
        { s: 'b', t: 'ja' },
        { s: 'b', t: 'ko' },
      ],
    });
  });

  it('stores a source language and html on every item; "auto" and "text" are not stored', () => {
    expect(
      parseBatchRequest(
        { src_texts: ['a'], tgt_langs: ['en', 'ja'], src_lang: 'ko', format: 'html' },
        config,
      ),
    ).toEqual({
      items: [
        { s: 'a', t: 'en', f: 'ko', m: 'html' },
        { s: 'a', t: 'ja', f: 'ko', m: 'html' },
      ],
    });
    expect(
      parseBatchRequest({ src_texts: ['a'], tgt_langs: ['en'], src_lang: 'auto', format: 'text' }, config),
    ).toEqual({ items: [{ s: 'a', t: 'en' }] });
  });

  it('counts the expanded items against MAX_BATCH_ITEMS: 413 batch_too_large', () => {
    expect(refusal({ src_texts: ['a', 'b', 'c'], tgt_langs: ['en', 'ja', 'ko'] })).toEqual({
      status: 413,
      body: { error: { code: 'batch_too_large', message: 'The batch has 9 items; at most 6 are allowed.' } },
    });
  });

  it('checks the count before the texts: too many bad texts are still a 413', () => {
    expect(refusal({ src_texts: ['', '', '', '', '', '', ''], tgt_langs: ['en'] })).toEqual({
      status: 413,
      body: { error: { code: 'batch_too_large', message: 'The batch has 7 items; at most 6 are allowed.' } },
    });
  });

  it('lists every bad text with its index and path, and counts them in the message', () => {
    expect(
      refusal({ src_texts: ['ok', '', 'x'.repeat(11), 'a\u0000', '\ud800'], tgt_langs: ['en'] }),
    ).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: '4 of 5 items are not valid (indexes 1, 2, 3, 4).',
          details: [
            { path: 'body.src_texts.1', message: 'must not be empty', index: 1 },
            { path: 'body.src_texts.2', message: 'must be at most 10 characters', index: 2 },
            { path: 'body.src_texts.3', message: 'must not contain NUL characters', index: 3 },
            { path: 'body.src_texts.4', message: 'must not contain unpaired surrogates', index: 4 },
          ],
        },
      },
    });
  });
});

describe('parseBatchRequest: items', () => {
  it('keeps each item as given, with its ref', () => {
    expect(
      parseBatchRequest(
        {
          items: [
            { src_text: 'a', tgt_lang: 'en', src_lang: 'ko', format: 'html', ref: 7 },
            { src_text: 'b', tgt_lang: 'ja', src_lang: 'auto', format: 'text', ref: 'x' },
            { src_text: 'c', tgt_lang: 'pt-BR' },
          ],
        },
        config,
      ),
    ).toEqual({
      items: [
        { s: 'a', t: 'en', f: 'ko', m: 'html', r: 7 },
        { s: 'b', t: 'ja', r: 'x' },
        { s: 'c', t: 'pt-BR' },
      ],
    });
  });

  it('reports every problem of every bad item, with the item index', () => {
    expect(
      refusal({
        items: [
          { src_text: 'a', tgt_lang: 'e' },
          'nope',
          { src_text: 'ok', tgt_lang: 'en', extra: 1 },
          { src_text: 'ok', tgt_lang: 'en' },
        ],
      }),
    ).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: '3 of 4 items are not valid (indexes 0, 1, 2).',
          details: [
            { path: 'body.items.0.tgt_lang', message: 'must be 2 to 10 characters', index: 0 },
            {
              path: 'body.items.0.tgt_lang',
              message: 'must be a language code like "en", "pt-BR" or "zh-TW"',
              index: 0,
            },
            { path: 'body.items.1', message: 'Invalid input: expected object, received string', index: 1 },
            { path: 'body.items.2', message: 'Unrecognized key: "extra"', index: 2 },
          ],
        },
      },
    });
  });

  it('counts items against MAX_BATCH_ITEMS before looking at them', () => {
    expect(refusal({ items: Array.from({ length: 7 }, () => 'bad') })).toEqual({
      status: 413,
      body: { error: { code: 'batch_too_large', message: 'The batch has 7 items; at most 6 are allowed.' } },
    });
  });

  it('keeps at most 100 details and names at most 20 indexes, but counts every bad item', () => {
    const refused = refusal(
      { items: Array.from({ length: 150 }, () => 'bad') },
      { MAX_BATCH_ITEMS: 1000, MAX_TEXT_CHARS: 10 },
    );
    const error = (refused.body as { error: { message: string; details: { index: number }[] } }).error;
    expect(refused.status).toBe(400);
    expect(error.message).toBe(
      '150 of 150 items are not valid (indexes 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, …).',
    );
    expect(error.details.map((d) => d.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('parseBatchRequest: the envelope', () => {
  it('a body that is not an object', () => {
    expect(refusal([])).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [{ path: 'body', message: 'expected a JSON object' }],
        },
      },
    });
  });

  it('an empty items list', () => {
    expect(refusal({ items: [] })).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [{ path: 'body.items', message: 'must hold at least one item' }],
        },
      },
    });
  });

  it('both forms at once', () => {
    expect(refusal({ items: [{}], src_texts: ['a'] })).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [{ path: 'body', message: 'Unrecognized key: "src_texts"' }],
        },
      },
    });
  });

  it('a callback_url that is not http(s) is refused; an https one is returned', () => {
    expect(refusal({ src_texts: ['a'], tgt_langs: ['en'], callback_url: 'ftp://example.com/x' })).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [{ path: 'body.callback_url', message: 'must be an http(s) URL' }],
        },
      },
    });
    expect(
      parseBatchRequest(
        { src_texts: ['a'], tgt_langs: ['en'], callback_url: 'https://example.com/hook' },
        config,
      ),
    ).toEqual({ items: [{ s: 'a', t: 'en' }], callbackUrl: 'https://example.com/hook' });
  });
});

describe('parseBatchRequest: text protection fields', () => {
  it("stores each item's resolved settings, and the top-level ones of the src_texts form on every item", () => {
    expect(
      parseBatchRequest(
        {
          items: [
            { src_text: 'a {x}', tgt_lang: 'en', placeholders: ['printf', 'braces'], on_unsafe: 'return' },
            { src_text: 'b', tgt_lang: 'en', format: 'markdown', glossary: 'terms' },
            { src_text: 'c', tgt_lang: 'en', format: 'text', on_unsafe: 'return' },
          ],
        },
        config,
      ).items,
    ).toEqual([
      // Sorted kinds; on_unsafe kept only where the text is checked.
      { s: 'a {x}', t: 'en', p: ['printf', 'braces'], u: 'return' },
      { s: 'b', t: 'en', m: 'markdown', g: 'terms' },
      { s: 'c', t: 'en' },
    ]);
    expect(
      parseBatchRequest(
        { src_texts: ['{n}'], tgt_langs: ['en', 'ja'], format: 'icu', placeholders: 'auto' },
        config,
      ).items,
    ).toEqual([
      {
        s: '{n}',
        t: 'en',
        m: 'icu',
        p: ['printf', 'braces', 'double_braces', 'dollar_braces', 'percent_braces', 'html_tags'],
      },
      {
        s: '{n}',
        t: 'ja',
        m: 'icu',
        p: ['printf', 'braces', 'double_braces', 'dollar_braces', 'percent_braces', 'html_tags'],
      },
    ]);
  });

  it('refuses an ICU item the check rejects, with its index', () => {
    const icuCheck = (message: string) => (message.includes('{') ? undefined : 'EXPECT_ARGUMENT at offset 0');
    try {
      parseBatchRequest({ src_texts: ['{n}', 'bad'], tgt_langs: ['en'], format: 'icu' }, config, icuCheck);
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as AppError).toBody()).toEqual({
        error: {
          code: 'validation_failed',
          message: '1 of 2 items are not valid (indexes 1).',
          details: [{ path: 'body.src_texts.1', message: 'EXPECT_ARGUMENT at offset 0', index: 1 }],
        },
      });
    }
  });
});
