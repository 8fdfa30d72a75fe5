/**
 * Public job ids. A request's item is `<job UUID>.<index>` inside the service, but requests of
 * several tenants share a job, so that form would let one client read another's item by changing
 * the index. The id a client gets is instead the item sealed with AES-256-GCM:
 *
 *   base64url(nonce (12 bytes) ‖ ciphertext of [job UUID (16) ‖ index (1) ‖ flags (1)] ‖ tag (16))
 *
 * with a random nonce per id and the tenant's name as associated data. So an id tells nothing
 * about any other id (not even of the same item: every request gets its own), cannot be forged or
 * altered, and opens only for the tenant it was made for: another key's id fails to open, which
 * the route answers 404. Stateless: no Redis write per request; sealing costs a few microseconds.
 *
 * The key is made once per deployment (SET NX under `P:item-id-key`, shared/redis/keys.ts) and
 * read by every API process at start, so any process opens any process's ids. Deleting it makes
 * every id handed out so far unreadable (404).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisKeys } from '../../shared/redis/keys.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PLAIN_BYTES = 18;
/** Length of a sealed id in base64url characters (46 bytes). */
export const SEALED_ID_LENGTH = Math.ceil(((NONCE_BYTES + PLAIN_BYTES + TAG_BYTES) * 4) / 3);

const JOINED = 1;

/** What a public id names: an item of a job, and whether the request joined another's item. */
export interface ItemRef {
  queueJobId: string;
  index: number;
  /**
   * The request joined an identical text already in flight (in the `shared` cache scope, possibly
   * another tenant's item): the item's owner in the job data is then not the requester.
   */
  joined: boolean;
}

export class ItemIds {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('an item id key is 32 bytes');
  }

  /** The public id of `ref` for `tenant`. */
  seal(ref: ItemRef, tenant: string): string {
    const plain = Buffer.alloc(PLAIN_BYTES);
    plain.write(ref.queueJobId.replaceAll('-', ''), 0, 16, 'hex');
    plain[16] = ref.index;
    plain[17] = ref.joined ? JOINED : 0;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(tenant, 'utf8'));
    return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString(
      'base64url',
    );
  }

  /** What `id` names, when it was sealed for `tenant` with this key; otherwise undefined. */
  open(id: string, tenant: string): ItemRef | undefined {
    const raw = Buffer.from(id, 'base64url');
    if (raw.length !== NONCE_BYTES + PLAIN_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(tenant, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const hex = plain.toString('hex', 0, 16);
      return {
        queueJobId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        index: plain[16]!,
        joined: (plain[17]! & JOINED) !== 0,
      };
    } catch {
      return undefined; // another tenant's id, another deployment's, or altered
    }
  }
}

/**
 * The deployment's item id key: made by the first API process (SET NX, so concurrent starts agree
 * on one), read by every other. Called once at start.
 */
export async function loadItemIds(redis: Redis, prefix: string): Promise<ItemIds> {
  const redisKey = new RedisKeys(prefix).itemIdKey();
  await redis.set(redisKey, randomBytes(32).toString('base64'), 'NX');
  const stored = await redis.get(redisKey);
  const key = Buffer.from(stored ?? '', 'base64');
  if (key.length !== 32) throw new Error(`${redisKey} does not hold a 32-byte key`);
  return new ItemIds(key);
}

/**
 * `loadItemIds` once: every caller gets the same sealer; a failed load (Redis away) is tried
 * again by the next caller. Once loaded, a call costs one already-resolved promise.
 */
export function itemIdsLoader(redis: Redis, prefix: string): () => Promise<ItemIds> {
  let loading: Promise<ItemIds> | undefined;
  return () =>
    (loading ??= loadItemIds(redis, prefix).catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}
