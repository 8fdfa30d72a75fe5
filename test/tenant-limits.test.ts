/**
 * Per-key settings of API_KEYS_FILE through the real stack: chars_per_day (429 budget_exhausted
 * with Retry-After to midnight UTC), requests_per_min (429 rate_limited), max_batch_items (413
 * batch_too_large), each on sync requests and batches, never touching another key; and each key's
 * webhooks signed with its own whsec_ secret, verified with the `standardwebhooks` library.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharBudget } from '../api/admission/char-budget.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { createRedis } from '../shared/redis.js';
import { RedisKeys } from '../shared/redis/keys.js';
import type { Tenant } from '../shared/tenants.js';
import { eventually, getJson, postJson, REDIS_URL, startStack, type Stack } from './helpers/stack.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

/** One key per setting, so one limit never gets in another's way; `free` has none. */
const KEYS = {
  budget: { key: 'limits-budget-key', limits: { chars_per_day: 20 } },
  rate: { key: 'limits-rate-key', limits: { requests_per_min: 3 } },
  batch: { key: 'limits-batch-key', limits: { max_batch_items: 2 } },
  hookA: { key: 'limits-hook-a-key', webhook_secret: whsec() },
  hookB: { key: 'limits-hook-b-key', webhook_secret: whsec() },
  free: { key: 'limits-free-key' },
};
type Name = keyof typeof KEYS;
const as = (name: Name) => ({ authorization: `Bearer ${KEYS[name].key}` });

const translate = (stack: Stack, name: Name, text: string) =>
  postJson(`${stack.url}/v1/translate`, { src_text: text, tgt_lang: 'de', src_lang: 'en' }, as(name));
const batch = (stack: Stack, name: Name, texts: string[], extra: Record<string, unknown> = {}) =>
  postJson(
    `${stack.url}/v1/batches`,
    { src_texts: texts, tgt_langs: ['de'], src_lang: 'en', ...extra },
    as(name),
  );

/** Seconds from now to the next midnight UTC. */
function toMidnight(): number {
  const now = new Date();
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
}

describe('per-key limits and webhook secrets (API_KEYS_FILE)', () => {
  let stack: Stack;
  const dir = mkdtempSync(join(tmpdir(), 'tenant-limits-'));
  beforeAll(async () => {
    const file = join(dir, 'keys.json');
    const keys = Object.entries(KEYS).map(([name, { key, ...settings }]) => ({
      name: `app-${name}`,
      secret: `sha256:${sha256(key)}`,
      ...settings,
    }));
    writeFileSync(file, JSON.stringify({ keys }));
    // No WEBHOOK_SECRET: only keys with a secret of their own may ask for webhooks.
    stack = await startStack({
      env: { API_KEYS_FILE: file, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '50' },
    });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chars_per_day: 429 budget_exhausted with Retry-After to midnight UTC, sync and batch; others unaffected', async () => {
    expect((await translate(stack, 'budget', 'twelve chars')).status).toBe(200);
    const over = await translate(stack, 'budget', 'nine char');
    expect([over.status, over.body]).toEqual([
      429,
      {
        error: {
          code: 'budget_exhausted',
          message: "This API key's daily character budget (20) is used up.",
        },
      },
    ]);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(Math.abs(retryAfter - toMidnight())).toBeLessThanOrEqual(5);
    const overBatch = await batch(stack, 'budget', ['four', 'five!']);
    expect([overBatch.status, overBatch.body.error.code]).toEqual([429, 'budget_exhausted']);
    expect(overBatch.headers.get('retry-after')).not.toBeNull();
    // Nothing of a refused request reached the provider.
    expect(stack.emulator.hasSeen('nine char') || stack.emulator.hasSeen('five!')).toBe(false);
    // What is left of the day still fits: 12 + 8 = 20.
    expect((await batch(stack, 'budget', ['four', 'more'])).status).toBe(202);
    // Another key is not held by this key's budget, with the same texts.
    expect((await translate(stack, 'free', 'nine char')).status).toBe(200);
    expect((await batch(stack, 'free', ['four', 'five!'])).status).toBe(202);
  });

  it('requests_per_min: 429 rate_limited with Retry-After past the limit, on every /v1 route; others unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await getJson(`${stack.url}/v1/usage`, as('rate'))).status).toBe(200);
    const over = await translate(stack, 'rate', 'one too many');
    expect([over.status, over.body]).toEqual([
      429,
      { error: { code: 'rate_limited', message: 'More than 3 requests per minute; retry later.' } },
    ]);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.headers.get('ratelimit-policy')).toBe('3;w=60');
    expect((await batch(stack, 'rate', ['x'])).status).toBe(429);
    // RATE_LIMIT_PER_MIN is not set: a key without a limit of its own has none.
    for (let i = 0; i < 5; i++) expect((await getJson(`${stack.url}/v1/usage`, as('free'))).status).toBe(200);
  });

  it('max_batch_items: 413 batch_too_large above the key limit; others keep MAX_BATCH_ITEMS', async () => {
    const over = await batch(stack, 'batch', ['one', 'two', 'three']);
    expect([over.status, over.body]).toEqual([
      413,
      { error: { code: 'batch_too_large', message: 'The batch has 3 items; at most 2 are allowed.' } },
    ]);
    expect((await batch(stack, 'batch', ['one', 'two'])).status).toBe(202);
    expect((await batch(stack, 'free', ['one', 'two', 'three'])).status).toBe(202);
  });

  it("signs each key's webhooks with its own secret: the other key's secret does not verify", async () => {
    const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const a = await batch(stack, 'hookA', ['signed for a'], { callback_url: url });
      const b = await batch(stack, 'hookB', ['signed for b'], { callback_url: url });
      expect([a.status, b.status]).toEqual([202, 202]);
      await eventually(async () => deliveries.length === 2, 15_000);
      const verify = (secret: string, batchId: string) => {
        const delivery = deliveries.find((d) => d.headers['x-batch-id'] === batchId)!;
        const headers = {
          'webhook-id': String(delivery.headers['webhook-id']),
          'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
          'webhook-signature': String(delivery.headers['webhook-signature']),
        };
        return new Webhook(secret).verify(delivery.body, headers);
      };
      expect(verify(KEYS.hookA.webhook_secret, a.body.batch_id)).toMatchObject({
        batch_id: a.body.batch_id,
        status: 'completed',
      });
      expect(verify(KEYS.hookB.webhook_secret, b.body.batch_id)).toMatchObject({ batch_id: b.body.batch_id });
      expect(() => verify(KEYS.hookB.webhook_secret, a.body.batch_id)).toThrow(WebhookVerificationError);
      expect(() => verify(KEYS.hookA.webhook_secret, b.body.batch_id)).toThrow(WebhookVerificationError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a key without a webhook secret, with no WEBHOOK_SECRET, may not ask for a webhook', async () => {
    const res = await batch(stack, 'free', ['no hook'], { callback_url: 'http://127.0.0.1:9/hook' });
    expect([res.status, res.body.error.details]).toEqual([
      400,
      [
        {
          path: 'body.callback_url',
          message:
            'webhooks are not enabled for this key (neither its webhook_secret nor WEBHOOK_SECRET is set)',
        },
      ],
    ]);
  });
});

describe('CharBudget: DAILY_CHAR_BUDGET and a key budget in one step (real Redis)', () => {
  const redis = createRedis(REDIS_URL, 'blocking');
  const prefix = `test-budget-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  const tenant = (name: string, chars_per_day?: number): Tenant => ({
    name,
    digest: '',
    limits: chars_per_day === undefined ? {} : { chars_per_day },
    weight: 1,
  });
  const refusal = (promise: Promise<void>) =>
    promise.then(
      () => 'reserved',
      (err: unknown) => (err instanceof AppError ? `${err.code}: ${err.message}` : String(err)),
    );

  it('counts against both or neither; the refusing budget names itself', async () => {
    const budget = new CharBudget(redis, {
      prefix,
      dailyChars: 30,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
    });
    const small = tenant('small', 10);
    const big = tenant('big');
    const day = new Date().toISOString().slice(0, 10);
    const keys = new RedisKeys(prefix);
    const used = async () => [
      await redis.get(keys.budgetDay(day)),
      await redis.get(keys.keyBudgetDay('small', day)),
    ];
    expect([budget.appliesTo(small), budget.appliesTo(big)]).toEqual([true, true]);

    expect(await refusal(budget.reserve(8, small))).toBe('reserved');
    expect(await refusal(budget.reserve(5, small))).toBe(
      "budget_exhausted: This API key's daily character budget (10) is used up.",
    );
    // Refused by the key's budget: nothing was counted against the deployment's either.
    expect(await used()).toEqual(['8', '8']);
    expect(await refusal(budget.reserve(22, big))).toBe('reserved');
    expect(await refusal(budget.reserve(2, small))).toBe(
      'budget_exhausted: The daily character budget is used up.',
    );
    expect(await used()).toEqual(['30', '8']);
    expect(await redis.pttl(keys.keyBudgetDay('small', day))).toBeGreaterThan(86_400_000);
  });
});
