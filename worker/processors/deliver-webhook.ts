/**
 * Delivers one batch webhook: POST the batch status, signed (shared/batch-webhook.ts), to the
 * callback URL, one bounded attempt at a time (post-webhook.ts). A receiver that fails (non-2xx,
 * deadline, connection refused) makes the job retry with backoff, under the same `webhook-id`
 * and a fresh `webhook-timestamp`; an address the SSRF guard refuses fails it for good.
 */
import { isIP } from 'node:net';
import { UnrecoverableError, type Job } from 'bullmq';
import { parseJobData } from './job-data.js';
import { postWebhook } from './post-webhook.js';
import {
  batchWebhookDeliveryId,
  batchWebhookJobData,
  type BatchWebhookJobResult,
} from '../../shared/jobs/batch-webhook-job.js';
import { toStatusResponse, type BatchStore } from '../../shared/batch-store.js';
import type { WebhookSigner } from '../../shared/batch-webhook.js';
import type { Logger } from '../../shared/logger.js';
import { isPrivateAddress } from '../../shared/webhook-address-guard.js';

export interface WebhookDeliveryOptions {
  /** Signs deliveries whose owner has no secret of its own; without it those are not delivered (WEBHOOK_SECRET). */
  signer: WebhookSigner | undefined;
  /** Signers of the owners (keys) that have their own webhook secret, by owner name. */
  ownerSigners: ReadonlyMap<string, WebhookSigner>;
  /** Lets callbacks reach private addresses: tests and closed networks only (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** How long one attempt may take, from connect to the answer's last byte (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
}

export interface WebhookDeps {
  options: WebhookDeliveryOptions;
  store: BatchStore;
  logger: Logger;
}

export function createWebhookProcessor(deps: WebhookDeps) {
  const { options, logger } = deps;
  if (options.signer?.plain) {
    logger.warn(
      'WEBHOOK_SECRET is a plain secret, deprecated: set whsec_<base64 of the same bytes> (receivers need no change)',
    );
  }
  return async function deliverWebhook(job: Job): Promise<BatchWebhookJobResult> {
    const { batch_id: batchId, url, owner } = parseJobData(batchWebhookJobData, job, 'webhook job');
    const signer = (owner && options.ownerSigners.get(owner)) || options.signer;
    if (!signer) throw new UnrecoverableError('WEBHOOK_SECRET is not set');
    const state = await deps.store.state(batchId);
    if (!state) return { skipped: 'batch expired' };
    const body = JSON.stringify(toStatusResponse(state));
    const target = new URL(url);
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      throw new UnrecoverableError('callback URL points to a private address');
    }
    const attempt = job.attemptsMade + 1;
    try {
      const status = await postWebhook(
        target,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'translation-queue-webhook/1',
          ...signer.headers(batchWebhookDeliveryId(batchId), new Date(), body),
          'x-batch-id': batchId,
          'x-delivery-attempt': String(attempt),
        },
        { deadlineMs: options.timeoutMs, allowPrivate: options.allowPrivate },
      );
      if (status < 200 || status >= 300) throw new Error(`receiver answered ${status}`);
      logger.info({ batchId, status, attempt }, 'webhook delivered');
      return { status };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPRIVATEADDRESS')
        throw new UnrecoverableError('callback URL resolves to a private address');
      logger.warn({ batchId, attempt, reason: (err as Error).message }, 'webhook failed');
      throw err;
    }
  };
}
