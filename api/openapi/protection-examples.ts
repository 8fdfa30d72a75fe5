/**
 * Examples of POST /v1/translate with text protection (issue 13), request and 200 answer by the same
 * name. The answers are what the service returns against the built-in emulator (whose translation
 * of unknown text is `[fr] ` + the text), so they can be checked for real: test/protection.test.ts
 * sends every request here and expects its answer (job_id aside).
 */
import type { z } from 'zod';

interface Example {
  summary: string;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

const EXAMPLES: Record<string, Example> = {
  placeholders: {
    summary: 'Placeholders: every kind but colon ("auto")',
    request: {
      src_text: 'Hello {name}, you have %d new messages',
      tgt_lang: 'fr',
      src_lang: 'en',
      placeholders: 'auto',
    },
    response: {
      src_lang: 'en',
      src_text: 'Hello {name}, you have %d new messages',
      tgt_lang: 'fr',
      tgt_text: '[fr] Hello {name}, you have %d new messages',
      qa: { ok: true },
    },
  },
  icu: {
    summary: 'An ICU message: branches translated, structure kept',
    request: {
      src_text: '{count, plural, one {# file} other {# files}}',
      tgt_lang: 'fr',
      src_lang: 'en',
      format: 'icu',
    },
    response: {
      src_lang: 'en',
      src_text: '{count, plural, one {# file} other {# files}}',
      tgt_lang: 'fr',
      tgt_text: '{count, plural, one {[fr] # file} other {[fr] # files}}',
      qa: { ok: true },
    },
  },
  markdown: {
    summary: 'Markdown: prose translated, code and URLs kept',
    request: {
      src_text: 'Run `npm ci`, then read [the guide](https://example.com/docs).',
      tgt_lang: 'fr',
      src_lang: 'en',
      format: 'markdown',
    },
    response: {
      src_lang: 'en',
      src_text: 'Run `npm ci`, then read [the guide](https://example.com/docs).',
      tgt_lang: 'fr',
      tgt_text: '[fr] Run `npm ci`, then read [the guide](https://example.com/docs).',
      qa: { ok: true },
    },
  },
};

/** The examples with a job id of the right form, for the OpenAPI document. */
const EXAMPLE_JOB_ID = 'qW3v0m7Lh2cZ8xYbT1pNeJ5sUkDgR4aFoHiC6tVyMw9EnXlKjPu_Bq-Sdz0rGf';

export const PROTECTION_EXAMPLES = {
  request: Object.fromEntries(
    Object.entries(EXAMPLES).map(([name, e]) => [name, { summary: e.summary, value: e.request }]),
  ),
  response: Object.fromEntries(
    Object.entries(EXAMPLES).map(([name, e]) => [
      name,
      { summary: e.summary, value: { job_id: EXAMPLE_JOB_ID, ...e.response } },
    ]),
  ),
};

/** The examples as request/answer pairs (test/protection.test.ts checks them against the stack). */
export const protectionExamplePairs = Object.values(EXAMPLES);

/** Adds named examples to a JSON content object. */
export function withExamples<T extends z.ZodType>(
  content: { 'application/json': { schema: T } },
  examples: Record<string, { summary: string; value: unknown }>,
): { 'application/json': { schema: T; examples: Record<string, { summary: string; value: unknown }> } } {
  return { 'application/json': { ...content['application/json'], examples } };
}
