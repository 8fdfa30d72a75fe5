/**
 * The Translation v2 routes of the emulator (base `/language/translate/v2`): `GET|POST {base}`,
 * `{base}/detect`, `{base}/languages`, with Google's key check, latency and injected faults.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatsRecorder, TranslateLogEntry } from './emulator-stats.js';
import { faultError } from './faults.js';
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
import { sendError, sendJson } from './json-response.js';
import { credentials, paramsFromSearch, parseBody, readBody, type Params } from './request-params.js';
import type { RuntimeSettings } from './runtime-settings.js';
import type { ProtectedSpanFault } from './protected-span-fault.js';

export const BASE_PATH = '/language/translate/v2';

export type GoogleRoute = 'translate' | 'detect' | 'languages';

const ROUTES: ReadonlyMap<string, GoogleRoute> = new Map([
  [BASE_PATH, 'translate'],
  [`${BASE_PATH}/detect`, 'detect'],
  [`${BASE_PATH}/languages`, 'languages'],
]);

/** The Google route at `path` (trailing slashes removed), if any. */
export function googleRouteOf(path: string): GoogleRoute | undefined {
  return ROUTES.get(path);
}

export interface GoogleRoutesDeps {
  limits: ApiLimits;
  /** Raw request body cap (413 past it). */
  maxBodyBytes: number;
  /** When set, a different `?key=` gets 400 "API key not valid". */
  apiKey: string | undefined;
  stats: StatsRecorder;
  settings: RuntimeSettings;
  /** Drops protected html content from answers while set (tests of text protection). */
  spanFault?: ProtectedSpanFault;
  /** Aborted when the emulator closes: requests sleeping through the latency stop. */
  closing: AbortSignal;
}

export type GoogleHandler = (
  route: GoogleRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<void>;

export function googleRoutes(deps: GoogleRoutesDeps): GoogleHandler {
  const { stats } = deps;
  return async (route, req, res, url) => {
    const params = await authorizedParams(deps, req, res, url);
    stats.enter();
    try {
      if (route === 'translate') await translate(deps, params, res);
      else if (route === 'detect') await detect(deps, params, res);
      else await languages(deps, params, res);
    } finally {
      stats.leave();
    }
  };
}

/** Query and body merged, once the method and the credentials pass Google's checks. */
async function authorizedParams(
  deps: GoogleRoutesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<Params> {
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.setHeader('allow', 'GET, POST');
    throw googleErrors.methodNotAllowed();
  }
  const query = paramsFromSearch(url.searchParams);
  const raw = await readBody(req, deps.maxBodyBytes);
  const auth = credentials(req, query);
  if (auth.key === undefined && !auth.bearer) throw googleErrors.missingKey();
  if (auth.key !== undefined && deps.apiKey !== undefined && auth.key !== deps.apiKey) {
    throw googleErrors.badKey();
  }
  const params: Params = { ...query, ...parseBody(req.headers['content-type'], raw) };
  delete params['key'];
  return params;
}

async function translate(deps: GoogleRoutesDeps, params: Params, res: ServerResponse): Promise<void> {
  const { stats, settings } = deps;
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
    if (!(await emulateLatency(deps))) return;
    const fault = settings.nextFault();
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
    const body = translateBody(parseTranslate(texts, params, deps.limits), settings.habits);
    deps.spanFault?.apply(entry.format ?? undefined, body.data.translations);
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

async function detect(deps: GoogleRoutesDeps, params: Params, res: ServerResponse): Promise<void> {
  const texts = readTexts(params);
  const body = detectBody(texts, deps.limits);
  if (!(await emulateLatency(deps)) || !(await passFault(deps, res))) return;
  deps.stats.recordDetect(countCharacters(texts));
  sendJson(res, 200, body);
}

async function languages(deps: GoogleRoutesDeps, params: Params, res: ServerResponse): Promise<void> {
  const body = languagesBody(params);
  if (!(await emulateLatency(deps)) || !(await passFault(deps, res))) return;
  deps.stats.recordLanguages();
  sendJson(res, 200, body);
}

/**
 * The injected fault of a detect or languages request, if any: throws its error, or holds the
 * request unanswered (`hang`, then false). True when the request is to be answered normally.
 */
async function passFault({ settings, stats }: GoogleRoutesDeps, res: ServerResponse): Promise<boolean> {
  const fault = settings.nextFault();
  if (fault === undefined) return true;
  stats.recordFault();
  if (fault !== 'hang') throw faultError(fault);
  if (!res.destroyed) await once(res, 'close');
  return false;
}

/** Waits `latencyMs`; false when the emulator closed meanwhile (the socket is gone). */
async function emulateLatency({ settings, closing }: GoogleRoutesDeps): Promise<boolean> {
  if (settings.latencyMs <= 0) return true;
  try {
    await sleep(settings.latencyMs, undefined, { signal: closing });
    return true;
  } catch {
    return false;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
