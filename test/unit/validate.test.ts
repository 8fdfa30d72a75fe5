import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { validate } from '../../api/http/validate.js';
import { ValidationError } from '../../shared/errors.js';

const schema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  tags: z.array(z.string()).optional(),
});

function details(value: unknown, where?: string): unknown {
  try {
    validate(schema, value, where);
  } catch (err) {
    if (err instanceof ValidationError) return [err.status, err.toBody()];
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('validate', () => {
  it('returns the parsed value', () => {
    expect(validate(schema, { name: 'a', tags: ['x'] })).toEqual({ name: 'a', tags: ['x'] });
  });

  it('anything but a plain object is refused as a whole', () => {
    for (const value of [undefined, null, 'a', 1, true, []]) {
      expect(details(value)).toEqual([
        400,
        {
          error: {
            code: 'validation_failed',
            message: 'The request is not valid.',
            details: [{ path: 'body', message: 'expected a JSON object' }],
          },
        },
      ]);
    }
  });

  it('every issue becomes one detail, its path rooted at `where`', () => {
    expect(details({ name: '', tags: ['ok', 3], extra: 1 }, 'query')).toEqual([
      400,
      {
        error: {
          code: 'validation_failed',
          message: 'The request is not valid.',
          details: [
            { path: 'query.name', message: 'must not be empty' },
            { path: 'query.tags.1', message: 'Invalid input: expected string, received number' },
            { path: 'query', message: 'Unrecognized key: "extra"' },
          ],
        },
      },
    ]);
  });
});
