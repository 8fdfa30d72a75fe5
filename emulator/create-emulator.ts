/**
 * A Google Cloud Translation v2 (Basic) REST emulator on bare `node:http`: the real
 * `@google-cloud/translate` client talks to it through `GOOGLE_CLOUD_TRANSLATE_ENDPOINT`.
 * Bare http, not Express, because benchmarks push thousands of requests per second through it
 * and it must never be the bottleneck.
 *
 * Routes: the Google ones in google-routes.ts, the control ones for tests and the chaos script in
 * control-routes.ts; run-time behaviour (latency, faults) in runtime-settings.ts.
 */
import { once, setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlRoutes, CONTROL_PREFIX, type ControlHandler } from './control-routes.js';
import { StatsRecorder, type EmulatorStats } from './emulator-stats.js';
import {
  emulatorOptionsSchema,
  parseOptions,
  type EmulatorOptions,
  type EmulatorSettings,
  type RuntimeOptions,
} from './emulator-options.js';
import { BASE_PATH, googleRouteOf, googleRoutes, type GoogleHandler } from './google-routes.js';
import { GoogleApiError, googleErrors } from './google-errors.js';
import { sendError } from './json-response.js';
import { RuntimeSettings } from './runtime-settings.js';
import { ProtectedSpanFault } from './protected-span-fault.js';

export { BASE_PATH };

export interface Emulator {
  /** `http://host:port`, e.g. for the control routes. */
  readonly url: string;
  /** The value for `GOOGLE_CLOUD_TRANSLATE_ENDPOINT`: `url` + `/language/translate/v2`. */
  readonly endpoint: string;
  readonly port: number;
  /** A snapshot of the counters (also `GET /__emulator/stats`). */
  stats(): EmulatorStats;
  /** How many times `text` arrived as a `q` of a translate request since the last reset. */
  seenCount(text: string): number;
  hasSeen(text: string): boolean;
  /** Zeroes counters, the request log and the seen texts (also `POST /__emulator/reset`). */
  resetStats(): void;
  /** Changes behaviour at run time (also `POST /__emulator/options`); throws EmulatorOptionsError. */
  setOptions(partial: RuntimeOptions): EmulatorSettings;
  settings(): EmulatorSettings;
  /** The next `count` html translate requests lose their `translate="no"` content (protected-span-fault.ts). */
  dropProtectedSpans(count: number): void;
  /** Stops listening and ends every connection, hung and keep-alive ones included. Idempotent. */
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = parseOptions(emulatorOptionsSchema, options);
  const stats = new StatsRecorder(config.logSize, config.maxSeenTexts);
  const settings = new RuntimeSettings(config);
  const spanFault = new ProtectedSpanFault();
  // Aborted by close(), so requests sleeping through `latencyMs` do not keep the process alive.
  const closing = new AbortController();
  // Thousands of concurrent sleeps each listen on it; that is expected, not a leak.
  setMaxListeners(0, closing.signal);

  const google = googleRoutes({
    limits: { maxSegments: config.maxSegments, maxPayloadBytes: config.maxPayloadBytes },
    maxBodyBytes: config.maxBodyBytes,
    apiKey: config.apiKey,
    stats,
    settings,
    spanFault,
    closing: closing.signal,
  });
  const server = createServer(dispatch(google, controlRoutes(stats, settings, spanFault)));
  // Longer than the client's keep-alive idle time, so pooled sockets are reused, not raced.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(config.host)}:${port}`;

  return {
    url,
    endpoint: `${url}${BASE_PATH}`,
    port,
    stats: () => stats.snapshot(),
    seenCount: (text) => stats.seenCount(text),
    hasSeen: (text) => stats.seenCount(text) > 0,
    resetStats: () => stats.reset(),
    setOptions: (partial: RuntimeOptions) => settings.setOptions(partial),
    settings: () => settings.current(),
    dropProtectedSpans: (count) => void spanFault.set(count),
    close: closeOnce(server, closing),
  };
}

/** Routes a request to the Google routes or the control routes; errors become Google's error bodies. */
function dispatch(google: GoogleHandler, control: ControlHandler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const route = googleRouteOf(path);
    const handled = route
      ? google(route, req, res, url)
      : path.startsWith(CONTROL_PREFIX)
        ? control(path.slice(CONTROL_PREFIX.length), req, res, url)
        : Promise.reject(googleErrors.notFound());
    handled.catch((err: unknown) => {
      if (err instanceof GoogleApiError) return sendError(res, err);
      // A bug in the emulator: answer like Google's backendError, and say so on stderr.
      process.stderr.write(`emulator: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
      sendError(res, googleErrors.backendError());
    });
  };
}

/** close() for the Emulator: idempotent, and it does not wait for hung or keep-alive sockets. */
function closeOnce(server: Server, closing: AbortController): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return () => {
    closed ??= new Promise<void>((resolve, reject) => {
      closing.abort();
      server.close((err) => (err ? reject(err) : resolve()));
      // Hung and keep-alive sockets would otherwise hold close() open indefinitely.
      server.closeAllConnections();
    });
    return closed;
  };
}

/** A wildcard listen address is not something a client can dial. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
