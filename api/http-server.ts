/**
 * Serving the API's app over HTTP: listen, and at shutdown drain (readiness fails, no new
 * connections, open waits get API_DRAIN_MS to complete, then are answered) and close.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { CLOSE_STEP_MS, withTimeout } from '../shared/timeout.js';
import { serverClasses } from './http/server-classes.js';

export interface HttpServing {
  /** True once shutdown began: readiness and /v1 answer 503 so load balancers move on. */
  draining(): boolean;
  listen(port: number, host: string): Promise<{ server: Server; url: string }>;
  /**
   * Stops serving: marks draining, stops accepting, lets open requests finish within `drainMs`,
   * then calls `answerOpenWaits` (they get 202 + job id) and closes what is left after CLOSE_STEP_MS.
   */
  close(answerOpenWaits: () => void): Promise<void>;
}

export function serveHttp(app: Express, options: { drainMs: number }): HttpServing {
  let draining = false;
  let server: Server | undefined;
  return {
    draining: () => draining,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        // Requests and responses are built with the app's prototypes from the start (see
        // http/server-classes.ts): cheaper per request, and less memory per waiting request.
        const s = createServer({ keepAliveTimeout: 65_000, ...serverClasses(app) }, app);
        s.headersTimeout = 66_000;
        s.once('error', reject);
        // A deep accept queue: bursts of thousands of new connections must not overflow it (Node's default is 511).
        s.listen({ port, host, backlog: 4096 }, () => {
          server = s;
          const address = s.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ server: s, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async close(answerOpenWaits) {
      draining = true;
      const s = server;
      const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
      s?.closeIdleConnections();
      await withTimeout(closed, options.drainMs, () => undefined);
      answerOpenWaits();
      await withTimeout(closed, CLOSE_STEP_MS, () => undefined);
      s?.closeAllConnections();
    },
  };
}
