/**
 * Text protection in batches (issue 13) through the real stack: the fields per item and at the top
 * level of the `src_texts` form, chunks planned per protection shape, and the same worker step as
 * sync requests (checks, strict retry, `unsafe_output`, `qa`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, type Stack } from './helpers/stack.js';

describe('text protection (batches)', () => {
  let stack: Stack;
  /** Submits a batch and waits for it: the finished batch with its first results page. */
  const run = async (body: Record<string, unknown>) => {
    const res = await postJson(`${stack.url}/v1/batches`, body, { Prefer: 'wait=10' });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('a batch mixing formats and settings: each item protected and checked as it asked', async () => {
    const batch = await run({
      items: [
        { src_text: 'Hello', tgt_lang: 'fr', src_lang: 'en' },
        { src_text: 'Hello', tgt_lang: 'fr', src_lang: 'en', format: 'markdown' },
        { src_text: 'Hello {name}', tgt_lang: 'fr', src_lang: 'en', placeholders: ['braces'], ref: 'ph' },
        {
          src_text: '{count, plural, one {# new message} other {# new messages}}',
          tgt_lang: 'fr',
          src_lang: 'en',
          format: 'icu',
        },
        { src_text: 'Run `make` in **the root**', tgt_lang: 'fr', src_lang: 'en', format: 'markdown' },
        {
          src_text: '<p>Hi <b>%s</b></p>',
          tgt_lang: 'fr',
          src_lang: 'en',
          format: 'html',
          placeholders: 'auto',
        },
      ],
    });
    expect(batch).toMatchObject({ status: 'completed', total: 6, completed: 6, failed: 0 });
    expect(batch.items).toEqual([
      // The same text in two formats: two chunks, and only the checked one carries qa.
      { index: 0, src_text: 'Hello', tgt_lang: 'fr', status: 'completed', tgt_text: 'Bonjour' },
      {
        index: 1,
        src_text: 'Hello',
        tgt_lang: 'fr',
        status: 'completed',
        tgt_text: 'Bonjour',
        qa: { ok: true },
      },
      {
        index: 2,
        ref: 'ph',
        src_text: 'Hello {name}',
        tgt_lang: 'fr',
        status: 'completed',
        tgt_text: '[fr] Hello {name}',
        qa: { ok: true },
      },
      {
        index: 3,
        src_text: '{count, plural, one {# new message} other {# new messages}}',
        tgt_lang: 'fr',
        status: 'completed',
        tgt_text: '{count, plural, one {[fr] # new message} other {[fr] # new messages}}',
        qa: { ok: true },
      },
      {
        index: 4,
        src_text: 'Run `make` in **the root**',
        tgt_lang: 'fr',
        status: 'completed',
        tgt_text: '[fr] Run `make` in **the root**',
        qa: { ok: true },
      },
      {
        index: 5,
        src_text: '<p>Hi <b>%s</b></p>',
        tgt_lang: 'fr',
        status: 'completed',
        tgt_text: '[fr] <p>Hi <b>%s</b></p>',
        qa: { ok: true },
      },
    ]);
  });

  it('the src_texts form takes the fields at the top level, for every text and language', async () => {
    const batch = await run({
      src_texts: ['{n, select, a {Alpha} other {Other}}', 'Just {x}'],
      tgt_langs: ['fr', 'de'],
      src_lang: 'en',
      format: 'icu',
    });
    expect(batch).toMatchObject({ status: 'completed', total: 4, completed: 4 });
    expect(batch.items.map((i: { tgt_text: string; qa: unknown }) => [i.tgt_text, i.qa])).toEqual([
      ['{n, select, a {[fr] Alpha} other {[fr] Other}}', { ok: true }],
      ['{n, select, a {[de] Alpha} other {[de] Other}}', { ok: true }],
      ['[fr] Just {x}', { ok: true }],
      ['[de] Just {x}', { ok: true }],
    ]);
  });

  it('an invalid ICU item rejects the batch with its index and the parser message', async () => {
    const res = await postJson(`${stack.url}/v1/batches`, {
      items: [
        { src_text: 'fine', tgt_lang: 'fr', format: 'icu' },
        { src_text: '{n, plural, one {x}}', tgt_lang: 'fr', format: 'icu' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'validation_failed',
        message: '1 of 2 items are not valid (indexes 1).',
        details: [{ path: 'body.items.1.src_text', message: 'MISSING_OTHER_CLAUSE at offset 19', index: 1 }],
      },
    });
  });

  it('an item naming a glossary the caller does not have rejects the batch with 404', async () => {
    const res = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['a bucket'],
      tgt_langs: ['fr'],
      glossary: 'missing',
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No glossary named "missing".' } });
  });

  it('an item failing its checks twice fails with unsafe_output; with on_unsafe "return" it completes with qa', async () => {
    stack.emulator.dropProtectedSpans(2);
    const failing = await run({
      items: [{ src_text: 'Pay ${amount}', tgt_lang: 'fr', placeholders: 'auto' }],
    });
    expect(failing).toMatchObject({ status: 'completed_with_errors', completed: 0, failed: 1 });
    expect(failing.items).toEqual([
      {
        index: 0,
        src_text: 'Pay ${amount}',
        tgt_lang: 'fr',
        status: 'failed',
        error: {
          code: 'unsafe_output',
          message: 'The translation failed its checks (placeholder_missing), also when retried.',
          details: [{ kind: 'placeholder_missing', message: '"${amount}" is missing' }],
        },
      },
    ]);

    stack.emulator.dropProtectedSpans(2);
    const returned = await run({
      items: [{ src_text: 'Pay ${amount}', tgt_lang: 'fr', placeholders: 'auto', on_unsafe: 'return' }],
    });
    expect(returned).toMatchObject({ status: 'completed', completed: 1, failed: 0 });
    expect(returned.items[0]).toMatchObject({
      status: 'completed',
      tgt_text: '[fr] Pay ',
      qa: { ok: false, issues: [{ kind: 'placeholder_missing', message: '"${amount}" is missing' }] },
    });
    // The results page reads the same.
    const page = await getJson(`${stack.url}/v1/batches/${returned.batch_id}/results`);
    expect(page.body.items).toEqual(returned.items);
  });
});
