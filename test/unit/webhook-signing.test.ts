import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createWebhookSigner, webhookSignature } from '../../shared/batch-webhook.js';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { parseWebhookSecret, webhookSecretProblem } from '../../shared/webhook-secret.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef'); // 32 bytes
const WHSEC = `whsec_${KEY.toString('base64')}`;
const BODY = '{"batch_id":"b","status":"completed"}';

function configProblems(secret: string): string[] {
  try {
    loadConfig({ WEBHOOK_SECRET: secret });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

describe('webhook secrets', () => {
  it('takes whsec_<base64> as the key bytes, and a plain secret as its UTF-8 bytes', () => {
    expect(parseWebhookSecret(WHSEC)).toEqual({ key: KEY, plain: false });
    expect(parseWebhookSecret('a plain secret, é')).toEqual({
      key: Buffer.from('a plain secret, é', 'utf8'),
      plain: true,
    });
  });

  it('refuses malformed or short whsec_ secrets and short plain ones, without echoing them', () => {
    const whsecProblem =
      'must be whsec_ followed by the base64 of at least 24 random bytes (e.g. whsec_$(openssl rand -base64 32))';
    expect(webhookSecretProblem('whsec_not base64!')).toBe(whsecProblem);
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(23).toString('base64')}`)).toBe(whsecProblem);
    expect(webhookSecretProblem(`whsec_${KEY.toString('base64').replace(/=+$/, '')}`)).toBe(whsecProblem);
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(24).toString('base64')}`)).toBeUndefined();
    expect(webhookSecretProblem('short')).toBe('must be at least 16 characters');
    expect(webhookSecretProblem('long enough plain secret', false)).toBe(
      'must be whsec_<base64 of at least 24 random bytes>',
    );
    expect(() => parseWebhookSecret('whsec_AAAA')).toThrow(whsecProblem);
    expect(configProblems('whsec_AAAA')).toEqual([`WEBHOOK_SECRET: ${whsecProblem}`]);
    expect(configProblems(WHSEC)).toEqual([]);
  });
});

describe('createWebhookSigner', () => {
  it('signs what the standardwebhooks library verifies, with the deprecated X-Signature beside', () => {
    const signer = createWebhookSigner(parseWebhookSecret(WHSEC));
    const at = new Date();
    const headers = signer.headers('webhook-b', at, BODY);
    expect(headers).toEqual({
      'webhook-id': 'webhook-b',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'x-signature': webhookSignature(BODY, KEY),
    });
    // The spec's formula, computed without the library.
    const signed = `webhook-b.${headers['webhook-timestamp']}.${BODY}`;
    expect(headers['webhook-signature']).toBe(
      `v1,${createHmac('sha256', KEY).update(signed).digest('base64')}`,
    );
    expect(new Webhook(WHSEC).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new Webhook(WHSEC).verify(`${BODY} `, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(WHSEC).verify(BODY, { ...headers, 'webhook-id': 'webhook-other' })).toThrow(
      'No matching signature found',
    );
  });

  it('signs with a plain secret exactly as with whsec_ + base64 of its bytes (the migration path)', () => {
    const plain = 'test-webhook-secret-0123456789';
    const converted = `whsec_${Buffer.from(plain).toString('base64')}`;
    const at = new Date('2026-01-02T03:04:05Z');
    const fromPlain = createWebhookSigner(parseWebhookSecret(plain));
    expect(fromPlain.plain).toBe(true);
    expect(fromPlain.headers('id', at, BODY)).toEqual(
      createWebhookSigner(parseWebhookSecret(converted)).headers('id', at, BODY),
    );
    // The old header is unchanged for an existing plain secret.
    expect(fromPlain.headers('id', at, BODY)['x-signature']).toBe(webhookSignature(BODY, plain));
  });
});
