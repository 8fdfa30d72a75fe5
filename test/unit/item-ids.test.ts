/** Public job ids: sealed per request and per tenant, opened only by that tenant, never forged. */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ItemIds, SEALED_ID_LENGTH } from '../../api/sync/item-ids.js';
import { jobId } from '../../shared/schemas.js';

const ids = new ItemIds(randomBytes(32));
const ref = { queueJobId: randomUUID(), index: 127, joined: false };

describe('ItemIds', () => {
  it('opens what it sealed, for the tenant it sealed it for; the id fits the jobId schema', () => {
    const id = ids.seal(ref, 'app-a');
    expect(id).toHaveLength(SEALED_ID_LENGTH);
    expect(SEALED_ID_LENGTH).toBe(62);
    expect(jobId.safeParse(id).success).toBe(true);
    expect(ids.open(id, 'app-a')).toEqual(ref);
    expect(ids.open(ids.seal({ ...ref, index: 0, joined: true }, 'app-a'), 'app-a')).toEqual({
      ...ref,
      index: 0,
      joined: true,
    });
  });

  it('another tenant cannot open it: the route answers 404', () => {
    expect(ids.open(ids.seal(ref, 'app-a'), 'app-b')).toBeUndefined();
    expect(ids.open(ids.seal(ref, 'app-a'), 'open')).toBeUndefined();
  });

  it('every request gets its own id, even for the same item: one id tells nothing about another', () => {
    const sealed = Array.from({ length: 50 }, () => ids.seal(ref, 'app-a'));
    expect(new Set(sealed).size).toBe(50);
    // Items of one job, next to each other, share no visible part.
    const a = ids.seal({ ...ref, index: 0 }, 'app-a');
    const b = ids.seal({ ...ref, index: 1 }, 'app-b');
    expect(a.slice(0, 16)).not.toBe(b.slice(0, 16));
    expect(a).not.toContain(ref.queueJobId.slice(0, 8));
  });

  it('an altered id, one of another deployment, or garbage opens to nothing', () => {
    const id = ids.seal(ref, 'app-a');
    const flipped = Buffer.from(id, 'base64url');
    flipped[20] = flipped[20]! ^ 1;
    expect(ids.open(flipped.toString('base64url'), 'app-a')).toBeUndefined();
    expect(new ItemIds(randomBytes(32)).open(id, 'app-a')).toBeUndefined();
    expect(ids.open('A'.repeat(62), 'app-a')).toBeUndefined();
    expect(ids.open('short', 'app-a')).toBeUndefined();
  });

  it('takes only a 32-byte key', () => {
    expect(() => new ItemIds(randomBytes(16))).toThrow('an item id key is 32 bytes');
  });
});
