/**
 * What one provider request may carry. Google v2 refuses more than 128 segments (`q` entries) with
 * 400 "Too many text segments"; for characters it recommends at most 5,000 per request and refuses
 * payloads over about 100 KB. The character limit is a setting (PROVIDER_BATCH_MAX_CHARS for sync
 * jobs and the worker's batcher, BATCH_CHUNK_MAX_CHARS for batch chunks), always counted with
 * `countChars`. A single text larger than the limit still goes, alone (MAX_TEXT_CHARS bounds it).
 */

/** Google's limit on segments per v2 request; also the most texts one job or chunk carries. */
export const MAX_SEGMENTS_PER_REQUEST = 128;

export interface PackLimits {
  /** Texts per provider request. @default 128 (MAX_SEGMENTS_PER_REQUEST) */
  maxSegments: number;
  /** Characters (countChars) of all texts of one provider request. */
  maxChars: number;
}

/** Google's segment limit with a character limit from the configuration. */
export function packLimits(maxChars: number): PackLimits {
  return { maxSegments: MAX_SEGMENTS_PER_REQUEST, maxChars };
}
