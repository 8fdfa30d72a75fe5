/**
 * Request and response classes for `http.createServer`, born with the Express app's prototypes.
 * Express re-parents every request and response with `Object.setPrototypeOf`, and V8 then gives
 * each such object, and each property added to it afterwards, a hidden class of its own: per
 * request a few KB of maps and descriptor arrays, and property lookups on req/res that no inline
 * cache can serve. An object whose prototype already is the app's makes that call a no-op, so
 * every request shares one shape. (Subclasses, not plain functions: V8 sizes a subclass instance
 * like its base, so the many fields Node sets stay in-object and fast.)
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';

/**
 * `{ IncomingMessage, ServerResponse }` for `http.createServer(options, app)`; makes `app.request`
 * and `app.response` their prototypes (once per app).
 */
export function serverClasses(app: Express) {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  // Chains stay complete: AppRequest.prototype -> Express' request -> IncomingMessage.prototype.
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as unknown as Request;
  app.response = AppResponse.prototype as unknown as Response;
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse };
}
