/**
 * Reads the texts of a batch file: JSONL (`.jsonl`/`.ndjson`: a string, or an object with
 * `src_text` or `text`, and optional `ref`, `tgt_lang`, `src_lang` and the protection fields
 * `format`, `placeholders`, `glossary`, `on_unsafe`), CSV (`.csv`: a header row; column `src_text`
 * or `text`, else the first; optional columns of the same names as JSONL's) or plain text (one
 * text a line).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCsv } from './csv.js';
import { readProtection, type ProtectionOptions } from './protection-options.js';

export interface InputItem extends ProtectionOptions {
  src_text: string;
  ref?: string | number;
  tgt_lang?: string;
  src_lang?: string;
}

export class InputError extends Error {}

export async function readInput(path: string): Promise<InputItem[]> {
  const content = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return fromJsonLines(content);
  if (ext === '.csv') return fromCsv(content);
  return content
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => ({ src_text: line }));
}

function fromJsonLines(content: string): InputItem[] {
  const items: InputItem[] = [];
  content.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(`line ${n + 1}: not valid JSON`);
    }
    if (typeof value === 'string') return items.push({ src_text: value });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`line ${n + 1}: expected a string or an object with "src_text"`);
    }
    const record = value as Record<string, unknown>;
    const text = record.src_text ?? record.text;
    if (typeof text !== 'string') throw new InputError(`line ${n + 1}: "src_text" must be a string`);
    items.push(inputItem(text, record));
  });
  return items;
}

function fromCsv(content: string): InputItem[] {
  const [header, ...rows] = parseCsv(content);
  if (!header) return [];
  const names = header.map((h) => h.trim().toLowerCase());
  let textAt = names.indexOf('src_text');
  if (textAt < 0) textAt = names.indexOf('text');
  if (textAt < 0) textAt = 0;
  return rows
    .filter((row) => row.some((cell) => cell !== ''))
    .map((row) => {
      // The row by column name; the text column is read by position (it may be the first, unnamed).
      const record: Record<string, unknown> = {};
      names.forEach((name, i) => {
        if (i !== textAt && row[i] !== undefined && row[i] !== '') record[name] = row[i];
      });
      return inputItem(row[textAt] ?? '', record);
    });
}

/** One item from its text and its record's optional fields (JSONL object or CSV row alike). */
function inputItem(text: string, record: Record<string, unknown>): InputItem {
  const item: InputItem = { src_text: text, ...readProtection(record) };
  if (typeof record.ref === 'string' || typeof record.ref === 'number') item.ref = record.ref;
  for (const key of ['tgt_lang', 'src_lang'] as const) {
    if (typeof record[key] === 'string') item[key] = record[key];
  }
  return item;
}
