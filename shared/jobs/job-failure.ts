/**
 * The one codec for why a job, or one item of a job, failed. Two paths carry a failure from the
 * worker to the API, and a code a client can act on (`unsupported_language`, `provider_auth`...)
 * must survive both:
 * - job level: BullMQ keeps only a string, the job's `failedReason` (`encodeJobFailure`);
 * - item level: a text refused inside a job that completes is `{ error: JobFailure }` in the job's
 *   return value, and a batch item's stored result carries the same object (`encodeItemFailure`).
 * Decoding never trusts what it reads: an unknown code, or text BullMQ wrote itself (stalled too
 * often, lost lock), becomes the generic `provider_error`, so no internal text reaches a client.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorDetail } from '../errors.js';

/** A code a client can act on plus a client-safe message, and what broke (`unsafe_output`). */
export interface JobFailure {
  code: ErrorCode;
  message: string;
  /** The response's `details`: for `unsafe_output`, one `{kind, message}` per failed check. */
  details?: ErrorDetail[];
}

/** A failure's details as read back: only the fields a client may see. */
const failureDetail = z.object({
  kind: z.string().optional(),
  path: z.string().optional(),
  message: z.string(),
});

/** What an item-level failure looks like on the wire (read side: any code, checked on decode). */
export const itemFailure = z.object({
  code: z.string(),
  message: z.string(),
  details: z.array(failureDetail).max(100).optional(),
});

/** What a failure that cannot be read, or names no known code, is reported as. */
export const UNKNOWN_FAILURE: Readonly<JobFailure> = Object.freeze({
  code: 'provider_error',
  message: 'The translation failed.',
});

// Marks a failedReason written by encodeJobFailure; BullMQ's own reasons never start with it.
const FAILURE_MARK = 'E1:';

/** Encodes a job-level failure into BullMQ's `failedReason` string. */
export function encodeJobFailure(failure: JobFailure): string {
  return FAILURE_MARK + JSON.stringify(encodeItemFailure(failure));
}

/** Decodes a job's `failedReason`; anything encodeJobFailure did not write is UNKNOWN_FAILURE. */
export function decodeJobFailure(reason: string | undefined): JobFailure {
  if (!reason?.startsWith(FAILURE_MARK)) return { ...UNKNOWN_FAILURE };
  try {
    return decodeItemFailure(JSON.parse(reason.slice(FAILURE_MARK.length)));
  } catch {
    return { ...UNKNOWN_FAILURE };
  }
}

/** Encodes an item-level failure: the `error` object of one item's result (code, message, details). */
export function encodeItemFailure(failure: JobFailure): JobFailure {
  return {
    code: failure.code,
    message: failure.message,
    ...(failure.details ? { details: failure.details } : {}),
  };
}

/** Decodes an item's `error` object as read from Redis; an unknown code is UNKNOWN_FAILURE. */
export function decodeItemFailure(error: unknown): JobFailure {
  const parsed = itemFailure.safeParse(error);
  if (!parsed.success || !isErrorCode(parsed.data.code)) return { ...UNKNOWN_FAILURE };
  const { code, message, details } = parsed.data;
  return { code, message, ...(details ? { details: details.map(withoutUndefined) } : {}) };
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

function withoutUndefined(detail: z.infer<typeof failureDetail>): ErrorDetail {
  return Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined)) as ErrorDetail;
}
