/** Pieces every path group of the OpenAPI document uses: JSON content, error responses, common headers. */
import { z } from 'zod';
import { errorResponse } from './response-schemas.js';

export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** An error response: the one error body, with the codes this status carries in `description`. */
export const error = (description: string) => ({ description, content: json(errorResponse) });

export const requestIdHeader = z.object({
  'x-request-id': z
    .string()
    .optional()
    .meta({ description: 'Echoed back (and logged); one is made when absent or malformed.' }),
});

export const preferHeader = z
  .string()
  .optional()
  .meta({ description: '`wait=N` (seconds, capped by SYNC_WAIT_MAX_MS) or `respond-async`.' });
