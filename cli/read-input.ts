/**
 * Reads the texts of a batch file: JSONL (`.jsonl`/`.ndjson`: a string, or an object with
 * `src_text` or `text`, and optional `ref`, `tgt_lang`, `src_lang`, `format`), CSV (`.csv`: a header
 * row; column `src_text` or `text`, else the first; optional `ref`) or plain text (one text a line).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCsv } from './csv.js';

export interface InputItem {
  src_text: string;
  ref?: string | number;
  tgt_lang?: string;
  src_lang?: string;
  format?: string;
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
    const item: InputItem = { src_text: text };
    if (typeof record.ref === 'string' || typeof record.ref === 'number') item.ref = record.ref;
    for (const key of ['tgt_lang', 'src_lang', 'format'] as const) {
      if (typeof record[key] === 'string') item[key] = record[key];
    }
    items.push(item);
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
  const refAt = names.indexOf('ref');
  return rows
    .filter((row) => row.some((cell) => cell !== ''))
    .map((row) => {
      const item: InputItem = { src_text: row[textAt] ?? '' };
      const ref = refAt >= 0 ? row[refAt] : undefined;
      if (ref) item.ref = ref;
      return item;
    });
}
