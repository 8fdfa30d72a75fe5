/**
 * Webhook signing secrets. The Standard Webhooks form is `whsec_<base64 of the key bytes>`, what
 * receivers' libraries take as it stands. A plain secret (the only form before Standard Webhooks)
 * is still accepted for one release, deprecated: its UTF-8 bytes are the key. Refusing it would
 * stop every existing deployment at the upgrade; and since `whsec_` + base64(plain secret) is the
 * same key, an operator can switch to the new form without any receiver changing.
 */

const PREFIX = 'whsec_';
/** Standard Webhooks asks for keys of 24 to 64 random bytes; longer ones are no weaker. */
const MIN_KEY_BYTES = 24;
/** What plain secrets needed before; kept so a deployment valid yesterday still starts. */
const MIN_PLAIN_CHARS = 16;
/** Canonical base64 with padding (what `openssl rand -base64` prints). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface WebhookSecret {
  /** The HMAC-SHA256 key. */
  key: Buffer;
  /** A plain secret (deprecated form): the process warns at start. */
  plain: boolean;
}

/**
 * Why `secret` cannot sign webhooks, or undefined when it can. `allowPlain: false` is for secrets
 * that never existed in the plain form (per-key secrets). Never echoes the secret.
 */
export function webhookSecretProblem(secret: string, allowPlain = true): string | undefined {
  if (secret.startsWith(PREFIX)) {
    const encoded = secret.slice(PREFIX.length);
    if (!BASE64.test(encoded) || Buffer.from(encoded, 'base64').length < MIN_KEY_BYTES) {
      return `must be ${PREFIX} followed by the base64 of at least ${MIN_KEY_BYTES} random bytes (e.g. ${PREFIX}$(openssl rand -base64 32))`;
    }
    return undefined;
  }
  if (!allowPlain) return `must be ${PREFIX}<base64 of at least ${MIN_KEY_BYTES} random bytes>`;
  if (secret.length < MIN_PLAIN_CHARS) return `must be at least ${MIN_PLAIN_CHARS} characters`;
  return undefined;
}

/** The key of a secret; throws when `webhookSecretProblem` finds one (config validates first). */
export function parseWebhookSecret(secret: string, allowPlain = true): WebhookSecret {
  const problem = webhookSecretProblem(secret, allowPlain);
  if (problem) throw new Error(`webhook secret ${problem}`);
  return secret.startsWith(PREFIX)
    ? { key: Buffer.from(secret.slice(PREFIX.length), 'base64'), plain: false }
    : { key: Buffer.from(secret, 'utf8'), plain: true };
}
