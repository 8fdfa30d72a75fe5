/**
 * A Google Cloud Translation v2 (Basic) REST emulator on bare `node:http`: the real
 * `@google-cloud/translate` client talks to it through `GOOGLE_CLOUD_TRANSLATE_ENDPOINT`.
 * Bare http, not Express, because benchmarks push thousands of requests per second through it
 * and it must never be the bottleneck.
 *
 * Routes (base `/language/translate/v2`): `GET|POST {base}`, `{base}/detect`, `{base}/languages`.
 * Control routes for tests and the chaos script: see `handleControl`.
 */
import { once, setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StatsRecorder, type EmulatorStats, type TranslateLogEntry } from './emulator-stats.js';
import {
  EmulatorOptionsError,
  emulatorOptionsSchema,
  parseOptions,
  runtimeOptionsSchema,
  type EmulatorOptions,
  type EmulatorSettings,
  type RuntimeOptions,
} from './emulator-options.js';
import { faultError, FaultPlan } from './faults.js';
import {
  countCharacters,
  detectBody,
  languagesBody,
  parseTranslate,
  readTexts,
  translateBody,
  type ApiLimits,
} from './google-api.js';
import { GoogleApiError, googleErrors } from './google-errors.js';
import { credentials, paramsFromSearch, parseBody, readBody, type Params } from './request-params.js';

export const BASE_PATH = '/language/translate/v2';
const CONTROL_PREFIX = '/__emulator/';

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
  /** Stops listening and ends every connection, hung and keep-alive ones included. Idempotent. */
  close(): Promise<void>;
}

type Route = 'translate' | 'detect' | 'languages';

const ROUTES: ReadonlyMap<string, Route> = new Map([
  [BASE_PATH, 'translate'],
  [`${BASE_PATH}/detect`, 'detect'],
  [`${BASE_PATH}/languages`, 'languages'],
]);

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = parseOptions(emulatorOptionsSchema, options);
  const limits: ApiLimits = { maxSegments: config.maxSegments, maxPayloadBytes: config.maxPayloadBytes };
  const stats = new StatsRecorder(config.logSize, config.maxSeenTexts);
  const faults = new FaultPlan();
  const settings = {
    latencyMs: config.latencyMs,
    faultRate: config.faultRate,
    faultKind: config.faultKind,
    hang: false,
    seed: config.seed ?? null,
  };
  faults.setSeed(config.seed);

  // Aborted by close(), so requests sleeping through `latencyMs` do not keep the process alive.
  const closing = new AbortController();
  // Thousands of concurrent sleeps each listen on it; that is expected, not a leak.
  setMaxListeners(0, closing.signal);

  const currentSettings = (): EmulatorSettings => ({
    ...settings,
    failNextRemaining: faults.pendingFailNext,
  });

  function setOptions(partial: RuntimeOptions): EmulatorSettings {
    const next = parseOptions(runtimeOptionsSchema, partial);
    if (next.latencyMs !== undefined) settings.latencyMs = next.latencyMs;
    if (next.faultRate !== undefined) settings.faultRate = next.faultRate;
    if (next.faultKind !== undefined) settings.faultKind = next.faultKind;
    if (next.hang !== undefined) settings.hang = next.hang;
    if (next.seed !== undefined) {
      settings.seed = next.seed;
      faults.setSeed(next.seed ?? undefined);
    }
    if (next.failNext !== undefined) faults.failNext(next.failNext.count, next.failNext.kind);
    return currentSettings();
  }

  /** Waits `latencyMs`; false when the emulator closed meanwhile (the socket is gone). */
  async function emulateLatency(): Promise<boolean> {
    if (settings.latencyMs <= 0) return true;
    try {
      await sleep(settings.latencyMs, undefined, { signal: closing.signal });
      return true;
    } catch {
      return false;
    }
  }

  async function translate(params: Params, res: ServerResponse): Promise<void> {
    const entry: TranslateLogEntry = {
      at: Date.now(),
      status: 0,
      target: stringOrNull(params['target']),
      source: stringOrNull(params['source']),
      format: stringOrNull(params['format']),
      model: stringOrNull(params['model']),
      segments: 0,
      characters: 0,
    };
    try {
      const texts = readTexts(params);
      entry.segments = texts.length;
      entry.characters = countCharacters(texts);
      stats.recordSeen(texts);
      if (!(await emulateLatency())) return;
      const fault = faults.next(settings);
      if (fault === 'hang') {
        entry.fault = fault;
        stats.recordTranslate(entry);
        // Never answered: the client times out, or close() destroys the socket.
        if (!res.destroyed) await once(res, 'close');
        return;
      }
      if (fault !== undefined) {
        entry.fault = fault;
        throw faultError(fault);
      }
      const body = translateBody(parseTranslate(texts, params, limits));
      entry.status = 200;
      stats.recordTranslate(entry);
      sendJson(res, 200, body);
    } catch (err) {
      if (!(err instanceof GoogleApiError)) throw err;
      entry.status = err.httpStatus;
      stats.recordTranslate(entry);
      sendError(res, err);
    }
  }

  async function detect(params: Params, res: ServerResponse): Promise<void> {
    const texts = readTexts(params);
    const body = detectBody(texts, limits);
    if (!(await emulateLatency())) return;
    stats.recordDetect(countCharacters(texts));
    sendJson(res, 200, body);
  }

  async function handleGoogle(route: Route, req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      throw googleErrors.methodNotAllowed();
    }
    const query = paramsFromSearch(url.searchParams);
    const raw = await readBody(req, config.maxBodyBytes);
    const auth = credentials(req, query);
    if (auth.key === undefined && !auth.bearer) throw googleErrors.missingKey();
    if (auth.key !== undefined && config.apiKey !== undefined && auth.key !== config.apiKey) {
      throw googleErrors.badKey();
    }
    const params: Params = { ...query, ...parseBody(req.headers['content-type'], raw) };
    delete params['key'];
    stats.enter();
    try {
      if (route === 'translate') await translate(params, res);
      else if (route === 'detect') await detect(params, res);
      else {
        stats.recordLanguages();
        sendJson(res, 200, languagesBody(params));
      }
    } finally {
      stats.leave();
    }
  }

  /**
   * - `GET  /__emulator/health` → `{ status: "ok" }`
   * - `GET  /__emulator/stats` → EmulatorStats
   * - `GET  /__emulator/seen?q=TEXT` → `{ q, count }`
   * - `POST /__emulator/reset` → `{ ok: true }`
   * - `GET  /__emulator/options` → EmulatorSettings
   * - `POST /__emulator/options` with RuntimeOptions JSON → EmulatorSettings (400 on bad options)
   */
  async function handleControl(name: string, req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    if (name === 'health' && method === 'GET') return sendJson(res, 200, { status: 'ok' });
    if (name === 'stats' && method === 'GET') return sendJson(res, 200, stats.snapshot());
    if (name === 'seen' && method === 'GET') {
      const q = url.searchParams.get('q');
      if (q === null) return sendJson(res, 400, { error: { code: 400, message: 'q is required' } });
      return sendJson(res, 200, { q, count: stats.seenCount(q) });
    }
    if (name === 'reset' && method === 'POST') {
      stats.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (name === 'options' && method === 'GET') return sendJson(res, 200, currentSettings());
    if (name === 'options' && method === 'POST') {
      const body = parseBody('application/json', await readBody(req, 64 * 1024));
      try {
        return sendJson(res, 200, setOptions(body as RuntimeOptions));
      } catch (err) {
        if (!(err instanceof EmulatorOptionsError)) throw err;
        return sendJson(res, 400, { error: { code: 400, message: err.message, problems: err.problems } });
      }
    }
    throw googleErrors.notFound();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const route = ROUTES.get(path);
    const handled = route
      ? handleGoogle(route, req, res, url)
      : path.startsWith(CONTROL_PREFIX)
        ? handleControl(path.slice(CONTROL_PREFIX.length), req, res, url)
        : Promise.reject(googleErrors.notFound());
    handled.catch((err: unknown) => {
      if (err instanceof GoogleApiError) return sendError(res, err);
      // A bug in the emulator: answer like Google's backendError, and say so on stderr.
      process.stderr.write(`emulator: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
      sendError(res, googleErrors.backendError());
    });
  });
  // Longer than the client's keep-alive idle time, so pooled sockets are reused, not raced.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(config.host)}:${port}`;

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve, reject) => {
      closing.abort();
      server.close((err) => (err ? reject(err) : resolve()));
      // Hung and keep-alive sockets would otherwise hold close() open indefinitely.
      server.closeAllConnections();
    });
    return closed;
  }

  return {
    url,
    endpoint: `${url}${BASE_PATH}`,
    port,
    stats: () => stats.snapshot(),
    seenCount: (text) => stats.seenCount(text),
    hasSeen: (text) => stats.seenCount(text) > 0,
    resetStats: () => stats.reset(),
    setOptions,
    settings: currentSettings,
    close,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A wildcard listen address is not something a client can dial. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, err: GoogleApiError): void {
  sendJson(res, err.httpStatus, err.toBody());
}
