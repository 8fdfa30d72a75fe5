/**
 * Batch webhooks: enqueued once when a batch becomes final (by whoever finalized it: the worker
 * that settled the last chunk, or the API when a cancel found nothing in flight), then delivered
 * by the worker with retries. Body: the batch status, signed the Standard Webhooks way
 * (standardwebhooks.com): `webhook-id` (one per delivery, the same on every attempt, so receivers
 * can drop repeats), `webhook-timestamp` (seconds, at each attempt, so receivers can refuse
 * replays) and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
 * The body-only `X-Signature: sha256=<hex>` of earlier releases is still sent, with the same key,
 * for one release (deprecated: it can be replayed forever).
 */
import { createHmac } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { batchWebhookJob } from './jobs/batch-webhook-job.js';
import type { BatchState } from './batch-store.js';
import type { WebhookSecret } from './webhook-secret.js';

export async function enqueueWebhook(queue: Queue, state: BatchState): Promise<void> {
  if (!state.callbackUrl) return;
  // A fixed job id: even if two callers raced to enqueue it, one delivery job exists.
  // The owner picks the signing key: its own webhook secret, else WEBHOOK_SECRET (deliver-webhook.ts).
  const job = batchWebhookJob({
    batch_id: state.id,
    url: state.callbackUrl,
    ...(state.owner !== undefined ? { owner: state.owner } : {}),
  });
  await queue.add(job.name, job.data, job.opts);
}

/** Signs deliveries with one key; built once per key, at start. */
export interface WebhookSigner {
  /** The key is a plain secret (deprecated form). */
  readonly plain: boolean;
  /** The signature headers of one delivery attempt sent at `at`. */
  headers(id: string, at: Date, body: string): Record<string, string>;
}

export function createWebhookSigner(secret: WebhookSecret): WebhookSigner {
  const webhook = new Webhook(secret.key, { format: 'raw' });
  return {
    plain: secret.plain,
    headers: (id, at, body) => ({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': webhook.sign(id, at, body),
      'x-signature': webhookSignature(body, secret.key),
    }),
  };
}

/** The deprecated `X-Signature` value: HMAC-SHA256 of the raw body only. */
export function webhookSignature(rawBody: string, key: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', key).update(rawBody).digest('hex')}`;
}
