#!/usr/bin/env node
/**
 * Command-line client of the translation service.
 *   cli batch <file> --to en,ja [--from ko] [protection] [--out results.jsonl] [--url URL] [--no-progress]
 *   cli translate "text" --to en [--from ko] [protection] [--url URL]
 *     protection: [--format text|html|icu|markdown] [--placeholders auto|kind,...] [--glossary NAME] [--on-unsafe fail|return]
 *   cli languages [--target en] [--url URL]
 *   cli detect <text...> [--url URL]   (no text: one per line on stdin)
 * Exit codes: 0 success, 1 usage or service error, 2 the batch had failed or cancelled items, or
 * a translation came back unsafe (--on-unsafe return).
 */
import { parseArgs } from 'node:util';
import { ApiError, call, defaultHeaders } from './api-client.js';
import { batchCommand } from './batch-command.js';
import { parsePlaceholders, type ProtectionOptions } from './protection-options.js';
import { InputError } from './read-input.js';
import { DetectInputError, detectCommand, languagesCommand } from './language-commands.js';

const USAGE = `usage:
  cli batch <file> --to en,ja [--from ko] [PROTECTION] [--out results.jsonl] [--url http://127.0.0.1:3000] [--api-key KEY] [--batch-size 10000] [--no-progress]
      <file>: .jsonl (strings or {"src_text","ref"?,"tgt_lang"?,"src_lang"?,"format"?,"placeholders"?,"glossary"?,"on_unsafe"?}),
      .csv (header with src_text or text; optional columns of the same names) or text lines; an item's own fields win over the flags
  cli translate "text" --to en [--from ko] [PROTECTION] [--url http://127.0.0.1:3000] [--api-key KEY]
      a result that failed its checks (--on-unsafe return) is printed, its issues go to stderr, exit 2
  PROTECTION: [--format text|html|icu|markdown] [--placeholders auto|printf,braces,...] [--glossary NAME] [--on-unsafe fail|return]
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
      placeholders: { type: 'string' },
      glossary: { type: 'string' },
      'on-unsafe': { type: 'string' },
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
  const protection: ProtectionOptions = {
    ...(values.format ? { format: values.format } : {}),
    ...(values.placeholders ? { placeholders: parsePlaceholders(values.placeholders) } : {}),
    ...(values.glossary ? { glossary: values.glossary } : {}),
    ...(values['on-unsafe'] ? { on_unsafe: values['on-unsafe'] } : {}),
  };
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
      protection,
      ...(values.out ? { out: values.out } : {}),
      batchSize: positiveInt(values['batch-size'], '--batch-size'),
      progress: !values['no-progress'] && Boolean(process.stderr.isTTY),
    });
  }
  if (command === 'translate') {
    if (to.length === 0) throw new UsageError('give a target language with --to');
    const answers = await Promise.all(
      to.map((tgt) =>
        call<TranslateAnswer>(url, 'POST', '/v1/translate', {
          src_text: arg,
          tgt_lang: tgt,
          ...(values.from ? { src_lang: values.from } : {}),
          ...protection,
        }),
      ),
    );
    let unsafe = false;
    answers.forEach(({ body }, i) => {
      process.stdout.write(to.length > 1 ? `${to[i]}\t${body.tgt_text}\n` : `${body.tgt_text}\n`);
      if (body.qa?.ok !== false) return;
      unsafe = true;
      for (const issue of body.qa.issues ?? []) {
        process.stderr.write(`unsafe (${to[i]}): ${issue.kind}: ${issue.message}\n`);
      }
    });
    // Printed, as asked (--on-unsafe return), but not a success: a script must not ship it unseen.
    return unsafe ? 2 : 0;
  }
  throw new UsageError(`unknown command "${command}"`);
}

interface TranslateAnswer {
  tgt_text: string;
  detected_src_lang?: string;
  qa?: { ok: boolean; issues?: { kind: string; message: string }[] };
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
