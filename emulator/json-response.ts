/** JSON answers of the emulator, in Google's headers; a response already gone is left alone. */
import type { ServerResponse } from 'node:http';
import type { GoogleApiError } from './google-errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: GoogleApiError): void {
  sendJson(res, err.httpStatus, err.toBody());
}
