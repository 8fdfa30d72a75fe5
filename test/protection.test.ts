/**
 * Text protection on POST /v1/translate (issue 13) through the real stack: the API resolves the
 * fields, the worker protects, the emulator translates the html it is sent (keeping
 * `translate="no"` content, as Google documents), the worker restores and checks. The emulator's
 * `drop-protected` control breaks that promise, so the checks, the strict retry, `unsafe_output`
 * and `qa` are seen failing for real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectionExamplePairs } from '../api/openapi/protection-examples.js';
import { protectionChecks, protectionIssues } from '../worker/metrics.js';
import { responseChecker } from './helpers/openapi-responses.js';
import { getJson, postJson, startStack, type Stack } from './helpers/stack.js';

const JOB_ID = /^[A-Za-z0-9_-]{62}$/;

/** The value of a worker counter for one label set (0 when never counted). */
async function count(
  counter: typeof protectionChecks | typeof protectionIssues,
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await counter.get();
  const match = values.find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
  );
  return match?.value ?? 0;
}

describe('text protection (sync)', () => {
  let stack: Stack;
  const translate = (body: Record<string, unknown>) =>
    postJson(`${stack.url}/v1/translate`, { tgt_lang: 'fr', src_lang: 'en', ...body });

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it.each([
    ['printf', 'Sent %1$s of %d files (100%%)'],
    ['braces', 'Hello {name}, you are number {0}'],
    ['double_braces', 'Hi {{ user }}, see {{{raw}}}'],
    ['dollar_braces', 'Total: ${amount} today'],
    ['percent_braces', 'Welcome back %{user}!'],
    ['colon', 'Delete :count items'],
    ['html_tags', 'Click <a href="/x">here</a> to go on'],
  ])('a %s placeholder reaches the provider protected and comes back exactly', async (kind, text) => {
    const res = await translate({ src_text: text, placeholders: [kind] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      job_id: expect.stringMatching(JOB_ID),
      src_lang: 'en',
      src_text: text,
      tgt_lang: 'fr',
      tgt_text: `[fr] ${text}`,
      qa: { ok: true },
    });
    // Sent as html, the placeholder inside a translate="no" span.
    const sent = stack.emulator.stats().log.at(-1);
    expect(sent?.format).toBe('html');
  });

  it('"auto" protects every kind but colon', async () => {
    const text = 'Hi {name}: %s of ${n} at :time';
    const res = await translate({ src_text: text, placeholders: 'auto' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tgt_text: `[fr] ${text}`, qa: { ok: true } });
  });

  it('ICU: a plural with #, a nested select and tags keep their structure; only prose is translated', async () => {
    const plural = await translate({
      src_text: '{count, plural, one {# file} other {# files}}',
      format: 'icu',
    });
    expect(plural.status).toBe(200);
    expect(plural.body).toMatchObject({
      tgt_text: '{count, plural, one {[fr] # file} other {[fr] # files}}',
      qa: { ok: true },
    });
    const nested = await translate({
      src_text:
        '{gender, select, male {He has <b>{count, plural, one {# file} other {# files}}</b>} other {They have files}}',
      format: 'icu',
    });
    expect(nested.status).toBe(200);
    expect(nested.body).toMatchObject({
      tgt_text:
        '{gender, select, male {[fr] He has <b>{count, plural, one {[fr] # file} other {[fr] # files}}</b>} other {[fr] They have files}}',
      qa: { ok: true },
    });
  });

  it('ICU: an invalid message is 400 validation_failed with the parser message, before any job', async () => {
    const before = stack.emulator.stats().requests;
    const res = await translate({ src_text: '{count, plural, one {# file}', format: 'icu' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'validation_failed',
        message: 'src_text is not a valid ICU message.',
        details: [{ path: 'body.src_text', message: 'MISSING_OTHER_CLAUSE at offset 28' }],
      },
    });
    expect(stack.emulator.stats().requests).toBe(before);
  });

  it('Markdown: code, URLs, front matter and HTML stay byte for byte; headings, lists and tables keep their structure', async () => {
    const readme = [
      '---',
      'title: Demo',
      '---',
      '# Getting started',
      '',
      'Install with `npm ci`, then read [the guide](https://example.com/docs?a=1&b=2) or <https://example.com>.',
      '',
      '- **Fast** builds',
      '- See ![logo](img/logo.png "Logo")',
      '',
      '```sh',
      'npm test -- --run',
      '```',
      '',
      '    indented code',
      '',
      '| Option | Meaning |',
      '| --- | --- |',
      '| `PORT` | Listen port |',
      '',
      '<div align="center">keep</div>',
      '',
    ].join('\n');
    const res = await translate({ src_text: readme, format: 'markdown' });
    expect(res.status).toBe(200);
    expect(res.body.qa).toEqual({ ok: true });
    expect(res.body.tgt_text).toBe(
      [
        '---',
        'title: Demo',
        '---',
        '# [fr] Getting started',
        '',
        '[fr] Install with `npm ci`, then read [the guide](https://example.com/docs?a=1&b=2) or <https://example.com>.',
        '',
        '- [fr] **Fast** builds',
        '- [fr] See ![logo](img/logo.png "Logo")',
        '',
        '```sh',
        'npm test -- --run',
        '```',
        '',
        '    indented code',
        '',
        '| [fr] Option | [fr] Meaning |',
        '| --- | --- |',
        '| `PORT` | [fr] Listen port |',
        '',
        '<div align="center">keep</div>',
        '',
      ].join('\n'),
    );
  });

  it('a failed check is retried once with the strict method, and passes', async () => {
    const retriedBefore = await count(protectionChecks, { format: 'text', outcome: 'retried' });
    const issuesBefore = await count(protectionIssues, { kind: 'placeholder_missing', attempt: '1' });
    stack.emulator.dropProtectedSpans(1);
    const res = await translate({ src_text: 'Bye {name}', placeholders: ['braces'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tgt_text: '[fr] Bye {name}', qa: { ok: true } });
    expect(await count(protectionChecks, { format: 'text', outcome: 'retried' })).toBe(retriedBefore + 1);
    expect(await count(protectionIssues, { kind: 'placeholder_missing', attempt: '1' })).toBe(
      issuesBefore + 1,
    );
  });

  it('failing again after the retry answers 502 unsafe_output naming what broke', async () => {
    const unsafeBefore = await count(protectionChecks, { format: 'icu', outcome: 'unsafe' });
    stack.emulator.dropProtectedSpans(2);
    const res = await translate({ src_text: '{n, plural, one {# day} other {# days}} left', format: 'icu' });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      error: {
        code: 'unsafe_output',
        message: 'The translation failed its checks (icu_argument_changed), also when retried.',
        details: [
          { kind: 'icu_argument_changed', message: '"{n}" is missing' },
          { kind: 'icu_argument_changed', message: '"#" is missing' },
        ],
      },
    });
    expect(await count(protectionChecks, { format: 'icu', outcome: 'unsafe' })).toBe(unsafeBefore + 1);
  });

  it('with on_unsafe "return", the unsafe text comes back with its qa issues, and is not cached', async () => {
    const body = { src_text: 'Ciao {name}', placeholders: ['braces'], on_unsafe: 'return' };
    stack.emulator.dropProtectedSpans(2);
    const res = await translate(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      job_id: expect.stringMatching(JOB_ID),
      src_lang: 'en',
      src_text: 'Ciao {name}',
      tgt_lang: 'fr',
      tgt_text: '[fr] Ciao ',
      qa: { ok: false, issues: [{ kind: 'placeholder_missing', message: '"{name}" is missing' }] },
    });
    const again = await translate(body);
    expect(again.body).toMatchObject({ tgt_text: '[fr] Ciao {name}', qa: { ok: true } });
    expect(again.body.cached).toBeUndefined();
  });

  it('a glossary the caller does not have is 404 not_found', async () => {
    const res = await translate({ src_text: 'Create a bucket', glossary: 'cloud-terms' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No glossary named "cloud-terms".' } });
  });

  it('the cache is keyed by format and placeholder kinds: no cross-hit between settings', async () => {
    // Plain prose (the emulator's Google habits leave it alone), so every setting's answer is exact.
    const text = 'Save the report now';
    const plain = await translate({ src_text: text });
    expect(plain.body).toEqual({
      job_id: expect.stringMatching(JOB_ID),
      src_lang: 'en',
      src_text: text,
      tgt_lang: 'fr',
      tgt_text: `[fr] ${text}`,
    });
    const braces = await translate({ src_text: text, placeholders: ['braces'] });
    expect(braces.body.cached).toBeUndefined();
    expect(braces.body.qa).toEqual({ ok: true });
    const auto = await translate({ src_text: text, placeholders: 'auto' });
    expect(auto.body.cached).toBeUndefined();
    const markdown = await translate({ src_text: text, format: 'markdown' });
    expect(markdown.body.cached).toBeUndefined();
    expect(markdown.body.qa).toEqual({ ok: true });

    // Each setting hits its own entry, with its own shape of answer.
    const plainAgain = await translate({ src_text: text });
    expect(plainAgain.body).toEqual({ ...plain.body, job_id: null, cached: true });
    const bracesAgain = await translate({ src_text: text, placeholders: ['braces'] });
    expect(bracesAgain.body).toEqual({ ...braces.body, job_id: null, cached: true });
  });

  it('the OpenAPI examples are real answers, and every protection answer is documented', async () => {
    const checker = responseChecker((await getJson(`${stack.url}/openapi.json`)).body);
    for (const { request, response } of protectionExamplePairs) {
      const res = await postJson(`${stack.url}/v1/translate`, request);
      // Another test may have cached the same text: job_id and cached aside, the answer is the example.
      const { job_id: _id, cached: _cached, ...answer } = res.body;
      expect(res.status).toBe(200);
      expect(answer).toEqual(response);
      expect(checker.check('post', '/v1/translate', res.status, res.body, 'application/json')).toEqual([]);
    }
    stack.emulator.dropProtectedSpans(2);
    const unsafe = await translate({ src_text: 'Go {x}', placeholders: ['braces'] });
    expect(unsafe.status).toBe(502);
    expect(checker.check('post', '/v1/translate', 502, unsafe.body, 'application/json')).toEqual([]);
    const missing = await translate({ src_text: 'Go', glossary: 'none' });
    expect(checker.check('post', '/v1/translate', 404, missing.body, 'application/json')).toEqual([]);
  });

  it('a request without protection fields is answered exactly as before (no qa)', async () => {
    const res = await translate({ src_text: 'Plain prose', format: 'text' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      job_id: expect.stringMatching(JOB_ID),
      src_lang: 'en',
      src_text: 'Plain prose',
      tgt_lang: 'fr',
      tgt_text: '[fr] Plain prose',
    });
    expect(stack.emulator.stats().log.at(-1)?.format).toBe('text');
  });
});
