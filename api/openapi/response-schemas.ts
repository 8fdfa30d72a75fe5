/**
 * zod schemas of the sync API's response bodies, for the OpenAPI document. The handlers build
 * these bodies from TypeScript interfaces in shared/schemas.ts; the type checks at the bottom fail
 * the build when the two drift apart, and test/openapi.test.ts checks real responses against them.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors.js';
import {
  jobId,
  jobStatus,
  qaReport,
  type JobResponse,
  type TranslateResponse,
} from '../../shared/schemas.js';

export const translateResponse = z
  .object({
    job_id: jobId
      .nullable()
      .meta({ description: 'null when the answer came from the cache (no job was made).' }),
    src_lang: z.string().meta({ description: 'As requested: a language code, or "auto".' }),
    src_text: z.string(),
    tgt_lang: z.string(),
    tgt_text: z.string(),
    detected_src_lang: z.string().optional().meta({ description: 'The language the provider detected.' }),
    cached: z
      .literal(true)
      .optional()
      .meta({ description: 'Present when the translation came from the cache, without a job.' }),
    qa: qaReport.optional(),
  })
  .meta({ id: 'TranslateResponse' });

export const jobAcceptedResponse = z
  .object({ job_id: jobId, status: z.literal('queued') })
  .meta({ id: 'JobAccepted', description: 'The wait ran out; poll `Location`.' });

export const jobResponse = z
  .object({
    job_id: jobId,
    status: jobStatus,
    result: translateResponse.optional(),
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        details: z
          .array(z.looseObject({ message: z.string() }))
          .optional()
          .meta({ description: 'For unsafe_output: one {kind, message} per failed check.' }),
      })
      .optional(),
    attempts: z.number().int().min(0),
    created_at: z.iso.datetime(),
    finished_at: z.iso.datetime().optional(),
  })
  .meta({ id: 'Job' });

const errorCode = z.enum(
  Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]],
);

export const errorResponse = z
  .object({
    error: z.object({
      code: errorCode,
      message: z.string(),
      details: z
        .array(z.looseObject({ path: z.string().optional(), message: z.string() }))
        .optional()
        .meta({
          description:
            'One entry per problem: validation errors (`path`, `message`, `index` for batch items), or for unsafe_output each failed check (`kind`, `message`).',
        }),
    }),
  })
  .meta({ id: 'Error' });

export const statusResponse = z.object({ status: z.string() }).meta({ id: 'Status' });

// Compile-time guards: a field added to an interface without its schema (or back) breaks the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const translateResponseMatches: Same<z.infer<typeof translateResponse>, TranslateResponse> = true;
const jobResponseMatches: Same<
  Omit<z.infer<typeof jobResponse>, 'error' | 'status'>,
  Omit<JobResponse, 'error' | 'status'>
> = true;
void translateResponseMatches;
void jobResponseMatches;
