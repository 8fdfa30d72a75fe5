/**
 * Delivers one batch webhook: POST the batch status, signed, to the callback URL. A receiver that
 * fails (non-2xx, timeout, connection refused) makes the job retry with backoff; an address the
 * SSRF guard refuses fails it for good. Redirects are not followed (they could point inside).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { UnrecoverableError, type Job } from 'bullmq';
import { parseJobData } from './job-data.js';
import { batchWebhookJobData, type BatchWebhookJobResult } from '../../shared/jobs/batch-webhook-job.js';
import { toStatusResponse, type BatchStore } from '../../shared/batch-store.js';
import { webhookSignature } from '../../shared/batch-webhook.js';
import type { Logger } from '../../shared/logger.js';
import { guardedLookup, isPrivateAddress } from '../../shared/webhook-address-guard.js';

export interface WebhookDeliveryOptions {
  /** Signs every delivery; without it nothing is delivered (WEBHOOK_SECRET). */
  secret: string | undefined;
  /** Lets callbacks reach private addresses: tests and closed networks only (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** How long a receiver gets to answer (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
}

export interface WebhookDeps {
  options: WebhookDeliveryOptions;
  store: BatchStore;
  logger: Logger;
}

export function createWebhookProcessor(deps: WebhookDeps) {
  return async function deliverWebhook(job: Job): Promise<BatchWebhookJobResult> {
    const { batch_id: batchId, url } = parseJobData(batchWebhookJobData, job, 'webhook job');
    const secret = deps.options.secret;
    if (!secret) throw new UnrecoverableError('WEBHOOK_SECRET is not set');
    const state = await deps.store.state(batchId);
    if (!state) return { skipped: 'batch expired' };
    const body = JSON.stringify(toStatusResponse(state));
    const target = new URL(url);
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!deps.options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      throw new UnrecoverableError('callback URL points to a private address');
    }
    try {
      const status = await post(
        target,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'translation-queue-webhook/1',
          'x-signature': webhookSignature(body, secret),
          'x-batch-id': batchId,
          'x-delivery-attempt': String(job.attemptsMade + 1),
        },
        deps.options,
      );
      if (status < 200 || status >= 300) throw new Error(`receiver answered ${status}`);
      deps.logger.info({ batchId, status, attempt: job.attemptsMade + 1 }, 'webhook delivered');
      return { status };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPRIVATEADDRESS')
        throw new UnrecoverableError('callback URL resolves to a private address');
      deps.logger.warn(
        { batchId, attempt: job.attemptsMade + 1, reason: (err as Error).message },
        'webhook failed',
      );
      throw err;
    }
  };
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: WebhookDeliveryOptions,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: options.timeoutMs,
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        res.resume(); // the receiver's body is not needed
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('webhook timed out')));
    request.on('error', reject);
    request.end(body);
  });
}
