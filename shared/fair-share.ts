/**
 * Fair share between tenants' batches (issue 12, item 6): the pure rule. Batch chunks wait in one
 * fair-share queue (shared/fair-chunk-queue.ts) and are taken in order of a virtual start tag
 * (start-time fair queueing): each chunk of a tenant is one `stride` after the previous one, so
 * while several tenants wait, each gets chunks in proportion to its `weight` (shared/tenants.ts).
 * A chunk is the unit: one provider request, about one provider latency of a worker slot,
 * whatever its size, and the slots are what tenants share.
 */

/**
 * Virtual time of one chunk of a tenant of weight 1. 720720 is the least common multiple of 1 to
 * 16, so weights up to 16 (and many above) have exact strides; for any weight up to 1000 the
 * rounding error stays under 0.07 %. Integers keep tags exact in Redis (doubles).
 */
export const FAIR_SHARE_SCALE = 720_720;

/** How far one chunk of a tenant of `weight` advances its start tag: inversely to its weight. */
export function fairShareStride(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) throw new RangeError(`weight must be > 0, got ${weight}`);
  return Math.max(1, Math.round(FAIR_SHARE_SCALE / weight));
}
