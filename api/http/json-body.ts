/** JSON body parsing with a size limit and a strict content type. */
import express, { type RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';

export function jsonBody(limitBytes: number): RequestHandler[] {
  const parse = express.json({ limit: limitBytes, strict: true, type: isJson });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!isJson(req)) {
      next(new AppError('unsupported_media_type', 'Send the body as application/json.'));
      return;
    }
    next();
  };
  return [requireJson, parse];
}

function isJson(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const type = req.headers['content-type'];
  if (typeof type !== 'string') return false;
  const mime = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mime);
}
