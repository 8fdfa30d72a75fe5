/**
 * Batch webhooks through the real stack (API, Redis, batch worker, emulator) to a local receiver:
 * Standard Webhooks signatures checked with the `standardwebhooks` library, one `webhook-id` per
 * delivery, and a delivery bounded from connect to the answer's last byte.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUEUE_NAMES } from '../shared/queues.js';
import { REDIS_URL, eventually, postJson, startStack, type Stack } from './helpers/stack.js';

const KEY = randomBytes(32);
const SECRET = `whsec_${KEY.toString('base64')}`;
const TIMEOUT_MS = 800;
/** What a loaded two-core machine may add to a deadline before the receiver sees the socket close. */
const MARGIN_MS = 700;

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request had fully arrived. */
  at: number;
  /** When the connection of the answer closed. */
  closedAt?: number;
}

/** A local callback receiver; `answer` gets each delivery's number (1, 2, …) and writes the answer. */
async function startReceiver(answer: (n: number, res: ServerResponse) => void) {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const delivery: Delivery = { headers: req.headers, body, at: Date.now() };
      deliveries.push(delivery);
      res.on('close', () => (delivery.closedAt = Date.now()));
      res.on('error', () => {}); // the worker may cut the answer off
      answer(deliveries.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/batch`,
    deliveries,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function standardHeaders(delivery: Delivery): Record<string, string> {
  const h = delivery.headers;
  return {
    'webhook-id': String(h['webhook-id']),
    'webhook-timestamp': String(h['webhook-timestamp']),
    'webhook-signature': String(h['webhook-signature']),
  };
}

describe('batch webhooks (Standard Webhooks)', () => {
  let stack: Stack;
  let webhookQueue: Queue;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_BACKOFF_MS: '50',
        WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    });
    webhookQueue = new Queue(QUEUE_NAMES.batchWebhook, {
      connection: { url: REDIS_URL },
      prefix: stack.config.QUEUE_PREFIX,
    });
  });
  afterAll(async () => {
    await webhookQueue?.close();
    await stack?.close();
  });

  async function submit(callbackUrl: string, text: string): Promise<string> {
    const res = await postJson(`${stack.url}/v1/batches`, {
      items: [{ src_text: text, tgt_lang: 'en', src_lang: 'fr' }],
      callback_url: callbackUrl,
    });
    expect(res.status).toBe(202);
    return res.body.batch_id;
  }

  async function deliveredJob(batchId: string, timeoutMs = 10_000) {
    const id = `webhook-${batchId}`;
    return eventually(async () => {
      const job = await webhookQueue.getJob(id);
      // Read again once completed: the first read may predate the completion (no return value yet).
      return job && (await job.isCompleted()) ? webhookQueue.getJob(id) : undefined;
    }, timeoutMs);
  }

  it('signs a delivery so the library verifies it, and a replay of it later is rejected', async () => {
    const receiver = await startReceiver((_n, res) => res.writeHead(204).end());
    try {
      const batchId = await submit(receiver.url, 'signed hook');
      const [delivery] = await eventually(async () => receiver.deliveries.length > 0 && receiver.deliveries);
      const headers = standardHeaders(delivery!);
      expect(headers['webhook-id']).toBe(`webhook-${batchId}`);
      expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(new Webhook(SECRET).verify(delivery!.body, headers)).toEqual({
        batch_id: batchId,
        status: 'completed',
        total: 1,
        completed: 1,
        failed: 0,
        cancelled: 0,
        created_at: expect.any(String),
        finished_at: expect.any(String),
      });
      // The deprecated header is still sent for one release, with the same key.
      expect(delivery!.headers['x-signature']).toBe(
        `sha256=${createHmac('sha256', KEY).update(delivery!.body).digest('hex')}`,
      );
      const tampered = delivery!.body.replace('"status":"completed"', '"status":"cancelled"');
      expect(() => new Webhook(SECRET).verify(tampered, headers)).toThrow(WebhookVerificationError);

      // Replayed byte for byte six minutes later: past the library's 5-minute tolerance.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
      try {
        expect(() => new Webhook(SECRET).verify(delivery!.body, headers)).toThrow(
          'Message timestamp too old',
        );
        // A fresh timestamp does not help the replayer: the timestamp is signed.
        const refreshed = { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
        expect(() => new Webhook(SECRET).verify(delivery!.body, refreshed)).toThrow(
          'No matching signature found',
        );
      } finally {
        vi.useRealTimers();
      }
    } finally {
      await receiver.close();
    }
  });

  it('keeps one webhook-id across the attempts of a delivery, each attempt signed on its own', async () => {
    const receiver = await startReceiver((n, res) => res.writeHead(n === 1 ? 500 : 204).end());
    try {
      const batchId = await submit(receiver.url, 'retried hook');
      expect((await deliveredJob(batchId)).returnvalue).toEqual({ status: 204 });
      expect(receiver.deliveries).toHaveLength(2);
      const [first, second] = receiver.deliveries as [Delivery, Delivery];
      expect([first.headers['x-delivery-attempt'], second.headers['x-delivery-attempt']]).toEqual(['1', '2']);
      expect(first.headers['webhook-id']).toBe(`webhook-${batchId}`);
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
      for (const delivery of [first, second]) {
        expect(new Webhook(SECRET).verify(delivery.body, standardHeaders(delivery))).toMatchObject({
          batch_id: batchId,
          status: 'completed',
        });
      }
    } finally {
      await receiver.close();
    }
  });

  it('cuts a receiver that trickles its answer off at WEBHOOK_TIMEOUT_MS, and retries', async () => {
    const receiver = await startReceiver((n, res) => {
      if (n > 1) {
        res.writeHead(204).end();
        return;
      }
      // One byte every 50 ms: an idle timeout never fires, a deadline does.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      const trickle = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(trickle));
    });
    try {
      const batchId = await submit(receiver.url, 'trickled hook');
      expect((await deliveredJob(batchId)).returnvalue).toEqual({ status: 204 });
      const [first, second] = receiver.deliveries as [Delivery, Delivery];
      expect(first.closedAt).toBeDefined();
      const held = first.closedAt! - first.at;
      expect(held).toBeGreaterThan(TIMEOUT_MS / 2);
      expect(held).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(second.at).toBeGreaterThanOrEqual(first.closedAt!);
      expect(second.headers['x-delivery-attempt']).toBe('2');
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    } finally {
      await receiver.close();
    }
  });

  it('reads at most 64 KiB of an answer: an endless 200 counts as delivered and its socket is closed', async () => {
    const chunk = Buffer.alloc(16 * 1024, '.');
    const endless = await startReceiver((_n, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const pump = () => {
        while (!res.destroyed) {
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const healthy = await startReceiver((_n, res) => res.writeHead(204).end());
    try {
      const batchId = await submit(endless.url, 'answered at length');
      // Delivered on the first attempt: reading it all would have run into the deadline and failed.
      const job = await deliveredJob(batchId);
      expect(job.returnvalue).toEqual({ status: 200 });
      expect(endless.deliveries).toHaveLength(1);
      await eventually(async () => endless.deliveries[0]!.closedAt !== undefined, 2000);
      // The worker carries on delivering.
      const next = await submit(healthy.url, 'after the flood');
      expect((await deliveredJob(next)).returnvalue).toEqual({ status: 204 });
    } finally {
      await endless.close();
      await healthy.close();
    }
  });
});
