import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Echoes a sane client X-Request-Id or makes one; every response carries it. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  next();
};
