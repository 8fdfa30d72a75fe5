#!/usr/bin/env node
/**
 * Command-line client of the translation service.
 *   cli batch <file> --to en,ja [--from ko] [--format html] [--out results.jsonl] [--url URL] [--no-progress]
 *   cli translate "text" --to en [--from ko] [--url URL]
 *   cli languages [--target en] [--url URL]
 *   cli detect <text...> [--url URL]   (no text: one per line on stdin)
 * Exit codes: 0 success, 1 usage or service error, 2 the batch had failed or cancelled items.
 */
import { parseArgs } from 'node:util';
import { ApiError, call, defaultHeaders } from './api-client.js';
import { batchCommand } from './batch-command.js';
import { InputError } from './read-input.js';
import { DetectInputError, detectCommand, languagesCommand } from './language-commands.js';

const USAGE = `usage:
  cli batch <file> --to en,ja [--from ko] [--format text|html|icu|markdown] [--out results.jsonl] [--url http://127.0.0.1:3000] [--api-key KEY] [--batch-size 10000] [--no-progress]
      <file>: .jsonl (strings or {"src_text","ref"?,"tgt_lang"?}), .csv (header with src_text or text, ref?) or text lines
  cli translate "text" --to en [--from ko] [--url http://127.0.0.1:3000] [--api-key KEY]
  cli languages [--target en] [--url http://127.0.0.1:3000] [--api-key KEY]
      one "code<TAB>name" line per language, names in --target's language
  cli detect <text...> [--url http://127.0.0.1:3000] [--api-key KEY]
      no text: one text per line on stdin; one "language<TAB>confidence" line per text
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string', short: 't' },
      from: { type: 'string', short: 'f' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      'api-key': { type: 'string' },
      'batch-size': { type: 'string', default: '10000' },
      'no-progress': { type: 'boolean', default: false },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, arg, ...extra] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  const url = values.url.replace(/\/+$/, '');
  if (values['api-key']) defaultHeaders.authorization = `Bearer ${values['api-key']}`;
  if (command === 'languages') {
    if (arg) throw new UsageError('languages takes no argument (the target language is --target)');
    return languagesCommand(url, values.target);
  }
  if (command === 'detect') return detectCommand(url, positionals.slice(1));
  if (!arg || extra.length > 0) throw new UsageError(`${command} takes exactly one argument`);
  const to = (values.to ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  if (command === 'batch') {
    return batchCommand({
      file: arg,
      url,
      to,
      ...(values.from ? { from: values.from } : {}),
      ...(values.format ? { format: values.format } : {}),
      ...(values.out ? { out: values.out } : {}),
      batchSize: positiveInt(values['batch-size'], '--batch-size'),
      progress: !values['no-progress'] && Boolean(process.stderr.isTTY),
    });
  }
  if (command === 'translate') {
    if (to.length === 0) throw new UsageError('give a target language with --to');
    const answers = await Promise.all(
      to.map((tgt) =>
        call<{ tgt_text: string; detected_src_lang?: string }>(url, 'POST', '/v1/translate', {
          src_text: arg,
          tgt_lang: tgt,
          ...(values.from ? { src_lang: values.from } : {}),
          ...(values.format ? { format: values.format } : {}),
        }),
      ),
    );
    answers.forEach((answer, i) =>
      process.stdout.write(
        to.length > 1 ? `${to[i]}\t${answer.body.tgt_text}\n` : `${answer.body.tgt_text}\n`,
      ),
    );
    return 0;
  }
  throw new UsageError(`unknown command "${command}"`);
}

class UsageError extends Error {}

function positiveInt(value: string, name: string): number {
  if (!/^[1-9]\d{0,6}$/.test(value)) throw new UsageError(`${name} must be a positive whole number`);
  return Number(value);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ApiError) {
      process.stderr.write(
        `error: ${err.message} (${err.code}${err.status ? `, HTTP ${err.status}` : ''})\n`,
      );
      for (const d of (err.details as { path?: string; message?: string }[]).slice(0, 10)) {
        process.stderr.write(`  ${d.path ?? ''}: ${d.message ?? ''}\n`);
      }
    } else if (
      err instanceof UsageError ||
      err instanceof InputError ||
      err instanceof DetectInputError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`error: ${(err as Error).message}\n\n${USAGE}`);
    } else if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`error: ${(err as Error).message}\n`);
    } else {
      process.stderr.write(`error: ${err instanceof Error ? err.stack : String(err)}\n`);
    }
    process.exit(1);
  },
);
