/**
 * `cli languages [--target en]`: one `code<TAB>name` line per language.
 * `cli detect <text...>` (or one text per line on stdin): one `language<TAB>confidence` line per
 * text, in input order. Stdin of more than 128 lines goes as several requests.
 */
import { text } from 'node:stream/consumers';
import { call } from './api-client.js';

/** Texts per POST /v1/detect (the API's limit). */
const DETECT_TEXTS_PER_REQUEST = 128;

interface Detection {
  language: string;
  confidence: number;
}

export async function languagesCommand(url: string, target: string | undefined): Promise<number> {
  const query = target ? `?target=${encodeURIComponent(target)}` : '';
  const { body } = await call<{ languages: { code: string; name: string }[] }>(
    url,
    'GET',
    `/v1/languages${query}`,
  );
  process.stdout.write(body.languages.map(({ code, name }) => `${code}\t${name}\n`).join(''));
  return 0;
}

export async function detectCommand(
  url: string,
  texts: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const all = texts.length > 0 ? texts : (await text(stdin)).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (all.length === 0) throw new DetectInputError('give texts as arguments or one per line on stdin');
  for (let i = 0; i < all.length; i += DETECT_TEXTS_PER_REQUEST) {
    const { body } = await call<{ detections: Detection[] }>(url, 'POST', '/v1/detect', {
      src_texts: all.slice(i, i + DETECT_TEXTS_PER_REQUEST),
    });
    process.stdout.write(body.detections.map((d) => `${d.language}\t${d.confidence}\n`).join(''));
  }
  return 0;
}

/** Nothing to detect: a usage error. */
export class DetectInputError extends Error {}
