/**
 * One webhook attempt over HTTP, bounded as a whole: the deadline covers DNS, connect, sending
 * and the response to its last byte, so a receiver that trickles bytes cannot hold a delivery slot
 * (an idle timeout never fires while bytes keep coming). Only the status counts; the answer is
 * read up to MAX_RESPONSE_BYTES (so a short answer lets the connection be reused), and past that
 * the socket is destroyed. Redirects are not followed (they could point inside).
 */
import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from '../../shared/webhook-address-guard.js';

/** Most of a receiver's answer that is read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostWebhookOptions {
  /** The whole attempt, connect to last byte (WEBHOOK_TIMEOUT_MS). */
  deadlineMs: number;
  /** Skip the SSRF guard's DNS check (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

/** Resolves with the receiver's status; rejects on a network error or at the deadline. */
export function postWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: PostWebhookOptions,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const fail = (err: Error) => settle(() => reject(err));
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read <= MAX_RESPONSE_BYTES) return;
          settle(() => resolve(status));
          request.destroy();
        });
        res.on('end', () => settle(() => resolve(status)));
        res.on('error', fail);
        res.on('close', () => fail(new Error('receiver closed the connection mid-answer')));
      },
    );
    const deadline = setTimeout(() => {
      // Failed first, so the reason is the deadline and not the abort that destroying causes.
      fail(new Error(`no complete answer within ${options.deadlineMs} ms`));
      request.destroy();
    }, options.deadlineMs);
    request.on('error', fail);
    request.on('close', () => fail(new Error('connection closed before an answer')));
    request.end(body);
  });
}
