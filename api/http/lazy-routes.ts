/**
 * Routes loaded on their first request: for parts of the API most requests never use, so their
 * modules cost no memory at start. A request that arrives while they load waits for them.
 */
import type { RequestHandler } from 'express';

/**
 * Passes every request whose path starts with `prefix` (compared without case, as Express matches
 * routes) to the handler `load` resolves to, loaded once; other requests go on at once. A failed
 * load answers through the error handler and is tried again on the next request.
 */
export function lazyRoutes(prefix: string, load: () => Promise<RequestHandler>): RequestHandler {
  const wanted = prefix.toLowerCase();
  let loading: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    if (!req.path.toLowerCase().startsWith(wanted)) {
      next();
      return;
    }
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    loading.then((handler) => handler(req, res, next), next);
  };
}
