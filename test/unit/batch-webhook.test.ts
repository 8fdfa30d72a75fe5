import { describe, expect, it } from 'vitest';
import { webhookSignature } from '../../shared/batch-webhook.js';

describe('webhookSignature', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body> (RFC 4231 test case 2)', () => {
    expect(webhookSignature('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('depends on every byte of the body and of the secret', () => {
    const body = '{"batch_id":"b","status":"completed"}';
    const secret = 'a-secret-of-16-chars';
    const signature = webhookSignature(body, secret);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(webhookSignature(`${body} `, secret)).not.toBe(signature);
    expect(webhookSignature(body, `${secret}!`)).not.toBe(signature);
    expect(webhookSignature(body, secret)).toBe(signature);
  });
});
