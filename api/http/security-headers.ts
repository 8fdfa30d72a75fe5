/**
 * helmet's security headers, computed once. They never depend on the request, and running helmet's
 * dozen small middlewares on every request costs more than setting the headers they produce.
 * helmet stays the source of the values: it runs once, at start, against a detached response.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet, { type HelmetOptions } from 'helmet';

export type HeaderList = readonly (readonly [name: string, value: string])[];

/** The headers `helmet(options)` sets, with helmet's spelling of each name. */
export function helmetHeaders(options?: HelmetOptions): HeaderList {
  const headers: [string, string][] = [];
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader = (name, value) => {
    headers.push([name, String(value)]);
    return res;
  };
  let failure: unknown;
  // helmet's middlewares are synchronous: `next` has run when the call returns.
  helmet(options)(res.req, res, (err?: unknown) => (failure = err));
  if (failure !== undefined) throw failure;
  return headers;
}

export function setHeaders(res: ServerResponse, headers: HeaderList): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}
