/**
 * A tiny HTTP server for Prometheus to scrape a worker: GET /metrics (behind METRICS_TOKEN when set)
 * and GET /healthz. Started by worker/main.ts when WORKER_METRICS_PORT is set.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { bearerToken, secretMatches } from '../shared/auth-token.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: {
  registry: Registry;
  port: number;
  host: string;
  token?: string | undefined;
}): Promise<MetricsServer> {
  const { registry, token } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, errorBody('method_not_allowed', 'Use GET.'), { allow: 'GET' });
    if (path === '/healthz') return send(200, JSON.stringify({ status: 'ok' }));
    if (path !== '/metrics') return send(404, errorBody('not_found', 'Not found.'));
    if (token !== undefined && !secretMatches(bearerToken(req.headers.authorization), token)) {
      return send(401, errorBody('unauthorized', 'A valid metrics token is required.'), {
        'www-authenticate': 'Bearer realm="metrics"',
      });
    }
    registry.metrics().then(
      (text) => send(200, text, { 'content-type': registry.contentType }),
      () => send(500, errorBody('internal_error', 'Internal error.')),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
