/**
 * Batch webhooks: enqueued once when a batch becomes final (by whoever finalized it: the worker
 * that settled the last chunk, or the API when a cancel found nothing in flight), then delivered
 * by the worker with retries. Body: the batch status; header `X-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the raw body with WEBHOOK_SECRET.
 */
import { createHmac } from 'node:crypto';
import type { Queue } from 'bullmq';
import { batchWebhookJob } from './jobs/batch-webhook-job.js';
import type { BatchState } from './batch-store.js';

export async function enqueueWebhook(queue: Queue, state: BatchState): Promise<void> {
  if (!state.callbackUrl) return;
  // A fixed job id: even if two callers raced to enqueue it, one delivery job exists.
  const job = batchWebhookJob({ batch_id: state.id, url: state.callbackUrl });
  await queue.add(job.name, job.data, job.opts);
}

export function webhookSignature(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
