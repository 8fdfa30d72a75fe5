/** The CLI end to end: a file in, a real stack behind, results out in input order. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, type Stack } from './helpers/stack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const KEY = 'cli-test-key-1';

function runCli(
  args: string[],
  auth = ['--api-key', KEY],
  /** What the CLI reads on stdin; without it stdin is empty. */
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args, ...auth], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('cli', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_EVENTS_INTERVAL_MS: '20', API_KEYS: `${KEY},other-key-2` } });
    dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('batch: a CSV file into two languages, as two batches, results in input order in --out', async () => {
    const file = join(dir, 'strings.csv');
    await writeFile(file, 'ref,src_text\nhello,안녕하세요\nquoted,"a, ""quoted"" text"\n3,세 번째\n');
    const out = join(dir, 'results.jsonl');
    const run = await runCli([
      'batch',
      file,
      '--to',
      'en,ja',
      '--from',
      'ko',
      '--out',
      out,
      '--batch-size',
      '4',
      '--url',
      stack.url,
    ]);
    // --batch-size 4: six items go as two batches; the output counts indexes across them.
    expect(run.stderr).toMatch(/2 batches: completed in .* 6 completed, 0 failed, 0 cancelled/);
    expect(run.code).toBe(0);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.index, l.ref, l.tgt_lang, l.status])).toEqual([
      [0, 'hello', 'en', 'completed'],
      [1, 'hello', 'ja', 'completed'],
      [2, 'quoted', 'en', 'completed'],
      [3, 'quoted', 'ja', 'completed'],
      [4, '3', 'en', 'completed'],
      [5, '3', 'ja', 'completed'],
    ]);
    expect(lines[0].tgt_text).toBe('Hello');
    expect(lines[2].tgt_text).toBe('[en] a, "quoted" text');
  });

  it('batch: exits non-zero naming the failed items; results go to stdout without --out', async () => {
    const file = join(dir, 'mixed.jsonl');
    await writeFile(
      file,
      ['"fine"', JSON.stringify({ src_text: '__emulator_reject__', ref: 'bad' }), ''].join('\n'),
    );
    const run = await runCli(['batch', file, '--to', 'de', '--url', stack.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('completed_with_errors');
    expect(run.stderr).toContain('item 1 (ref bad): unsupported_language');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status)).toEqual(['completed', 'failed']);
  });

  it('batch: a clear message when the file is missing or the service refuses the batch', async () => {
    const missing = await runCli(['batch', join(dir, 'nope.txt'), '--to', 'en', '--url', stack.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const file = join(dir, 'bad.txt');
    await writeFile(file, 'one\ntwo\n');
    const refused = await runCli(['batch', file, '--to', 'english!', '--url', stack.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('validation_failed');
  });

  it('translate: one text', async () => {
    const run = await runCli(['translate', '안녕하세요', '--to', 'en', '--url', stack.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Hello\n');
  });

  it('languages: one code and name per line, names in --target', async () => {
    const run = await runCli(['languages', '--target', 'ko', '--url', stack.url]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    expect(lines).toContain('ko\t한국어');
    const refused = await runCli(['languages', '--target', 'english!', '--url', stack.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('validation_failed');
    expect(refused.stderr).toContain('query.target');
  });

  it('detect: texts as arguments, or one per line on stdin; a line per text, in order', async () => {
    const run = await runCli(['detect', '안녕하세요', 'hello world', '--url', stack.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('ko\t1\nen\t0.7\n');
    // 130 lines: two requests (128 + 2), answers in input order.
    const lines = Array.from({ length: 130 }, (_, i) => (i === 129 ? 'Привет' : `line ${i}`));
    const piped = await runCli(['detect', '--url', stack.url], undefined, `${lines.join('\n')}\n\n`);
    expect(piped.code).toBe(0);
    const out = piped.stdout.trim().split('\n');
    expect(out).toHaveLength(130);
    expect(out[0]).toBe('en\t0.7');
    expect(out[129]).toBe('ru\t1');
    const nothing = await runCli(['detect', '--url', stack.url], undefined, '\n');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('give texts as arguments or one per line on stdin');
  });

  describe('protection fields: format, placeholders, glossary, on_unsafe', () => {
    beforeAll(async () => {
      const res = await fetch(`${stack.url}/v1/glossaries/terms`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          src_lang: 'en',
          tgt_lang: 'fr',
          entries: [{ source: 'bucket', target: 'seau' }],
        }),
      });
      expect(res.status).toBe(201);
    });

    it('translate: --placeholders, --glossary and --format reach the service', async () => {
      const flags = ['--to', 'fr', '--from', 'en', '--url', stack.url];
      const run = await runCli([
        'translate',
        'Hi {name}, %s bucket',
        '--placeholders',
        'auto',
        '--glossary',
        'terms',
        ...flags,
      ]);
      expect([run.code, run.stdout, run.stderr]).toEqual([0, '[fr] Hi {name}, %s seau\n', '']);
      const markdown = await runCli(['translate', 'Run `make bucket` now', '--format', 'markdown', ...flags]);
      expect([markdown.code, markdown.stdout]).toEqual([0, '[fr] Run `make bucket` now\n']);
      const missing = await runCli(['translate', 'x', '--glossary', 'nope', ...flags]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('No glossary named "nope". (not_found, HTTP 404)');
    });

    it('translate: --on-unsafe return prints the unsafe text, its issues on stderr, exit 2', async () => {
      stack.emulator.dropProtectedSpans(2);
      const run = await runCli([
        'translate',
        'Bye {name}',
        '--placeholders',
        'braces',
        '--on-unsafe',
        'return',
        '--to',
        'fr',
        '--from',
        'en',
        '--url',
        stack.url,
      ]);
      expect([run.code, run.stdout, run.stderr]).toEqual([
        2,
        '[fr] Bye \n',
        'unsafe (fr): placeholder_missing: "{name}" is missing\n',
      ]);
    });

    it('batch: JSONL and CSV items carry their own fields; the flags are the defaults', async () => {
      const jsonl = join(dir, 'protected.jsonl');
      await writeFile(
        jsonl,
        [
          JSON.stringify({
            src_text: 'Open {file} in the bucket',
            ref: 'own',
            placeholders: ['braces'],
            glossary: 'terms',
          }),
          JSON.stringify({ src_text: 'Pay ${amount}', ref: 'flags' }),
          JSON.stringify({
            src_text: '{n, plural, one {# bucket} other {# buckets}}',
            ref: 'icu',
            format: 'icu',
          }),
          '',
        ].join('\n'),
      );
      const fromJsonl = await runCli([
        'batch',
        jsonl,
        '--to',
        'fr',
        '--from',
        'en',
        '--placeholders',
        'auto',
        '--glossary',
        'terms',
        '--url',
        stack.url,
      ]);
      expect(fromJsonl.code).toBe(0);
      expect(
        fromJsonl.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .map((l) => [l.ref, l.status, l.tgt_text, l.qa]),
      ).toEqual([
        ['own', 'completed', '[fr] Open {file} in the seau', { ok: true }],
        ['flags', 'completed', '[fr] Pay ${amount}', { ok: true }],
        ['icu', 'completed', '{n, plural, one {# seau} other {[fr] # buckets}}', { ok: true }],
      ]);

      const csv = join(dir, 'protected.csv');
      await writeFile(
        csv,
        [
          'ref,src_text,placeholders,glossary,format,on_unsafe',
          'a,"Hi {name}, %s",braces;printf,,,',
          'b,Empty the bucket,,terms,,',
          'c,Use `bucket` here,,,markdown,return',
          '',
        ].join('\n'),
      );
      const fromCsv = await runCli(['batch', csv, '--to', 'fr', '--from', 'en', '--url', stack.url]);
      expect(fromCsv.code).toBe(0);
      expect(
        fromCsv.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .map((l) => [l.ref, l.status, l.tgt_text, l.qa]),
      ).toEqual([
        ['a', 'completed', '[fr] Hi {name}, %s', { ok: true }],
        ['b', 'completed', '[fr] Empty the seau', { ok: true }],
        ['c', 'completed', '[fr] Use `bucket` here', { ok: true }],
      ]);
    });
  });

  it('without the API key: a clear message and exit 1', async () => {
    const run = await runCli(['translate', 'x', '--to', 'en', '--url', stack.url], []);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unauthorized');
  });

  it('Idempotency-Key is per API key', async () => {
    const body = { items: [{ src_text: 'scoped', tgt_lang: 'en' }] };
    const post = (apiKey: string) =>
      postJson(`${stack.url}/v1/batches`, body, {
        authorization: `Bearer ${apiKey}`,
        'idempotency-key': 'same',
      });
    const first = await post(KEY);
    const again = await post(KEY);
    const other = await post('other-key-2');
    expect(first.status).toBe(202);
    expect(again.body.batch_id).toBe(first.body.batch_id);
    expect(other.status).toBe(202);
    expect(other.body.batch_id).not.toBe(first.body.batch_id);
  });
});
