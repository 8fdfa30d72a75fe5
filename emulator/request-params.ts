/**
 * Google reads parameters from the query string and from the body, JSON or form-encoded, for
 * every v2 method. This module merges them into one record; validation happens per method.
 */
import type { IncomingMessage } from 'node:http';
import { GoogleApiError, googleErrors } from './google-errors.js';

export type Params = Record<string, unknown>;

/** Query/form values: a repeated name (`q=a&q=b`) becomes an array. */
export function paramsFromSearch(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [name, value] of search) {
    const previous = params[name];
    if (previous === undefined) params[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else params[name] = [previous, value];
  }
  return params;
}

/** Body parameters override query parameters of the same name. */
export function parseBody(contentType: string | undefined, body: string): Params {
  if (body.trim() === '') return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const looksLikeJson = type === 'application/json' || (type === '' && body.trimStart().startsWith('{'));
  if (!looksLikeJson) return paramsFromSearch(new URLSearchParams(body));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw googleErrors.invalidJson();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw googleErrors.invalidJson();
  return parsed as Params;
}

/** Collects the body, answering 413 past `limitBytes` instead of buffering without bound. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new GoogleApiError(413, 'badRequest', 'Request Entity Too Large', 'INVALID_ARGUMENT'));
        req.resume(); // drain so the socket can carry the answer
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `?key=`, Google's `x-goog-api-key` header, or a Bearer token (any token is accepted). */
export function credentials(req: IncomingMessage, query: Params): { key?: string; bearer: boolean } {
  const queryKey = query['key'];
  const headerKey = req.headers['x-goog-api-key'];
  const key = typeof queryKey === 'string' ? queryKey : typeof headerKey === 'string' ? headerKey : undefined;
  const bearer = /^Bearer\s+\S+/i.test(req.headers.authorization ?? '');
  return key === undefined ? { bearer } : { key, bearer };
}
