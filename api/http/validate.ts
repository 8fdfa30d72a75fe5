import type { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';

/** Parses with a zod schema; every issue becomes a `details` entry (path + message). */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError([{ path: where, message: 'expected a JSON object' }]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}
