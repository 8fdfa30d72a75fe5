/**
 * The emulator's control routes (under `/__emulator/`), for tests and the chaos script:
 * - `GET  /__emulator/health` → `{ status: "ok" }`
 * - `GET  /__emulator/stats` → EmulatorStats
 * - `GET  /__emulator/seen?q=TEXT` → `{ q, count }`
 * - `POST /__emulator/reset` → `{ ok: true }`
 * - `GET  /__emulator/options` → EmulatorSettings
 * - `POST /__emulator/options` with RuntimeOptions JSON → EmulatorSettings (400 on bad options)
 * - `POST /__emulator/drop-protected` with `{"count": N}` → `{ remaining }` (protected-span-fault.ts)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorOptionsError, type RuntimeOptions } from './emulator-options.js';
import type { StatsRecorder } from './emulator-stats.js';
import { googleErrors } from './google-errors.js';
import { sendJson } from './json-response.js';
import { parseBody, readBody } from './request-params.js';
import type { RuntimeSettings } from './runtime-settings.js';
import type { ProtectedSpanFault } from './protected-span-fault.js';

export const CONTROL_PREFIX = '/__emulator/';

/** Bodies of `POST /__emulator/options` are small JSON objects. */
const MAX_OPTIONS_BYTES = 64 * 1024;

export type ControlHandler = (
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<void>;

export function controlRoutes(
  stats: StatsRecorder,
  settings: RuntimeSettings,
  spanFault?: ProtectedSpanFault,
): ControlHandler {
  return async (name, req, res, url) => {
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
    if (name === 'options' && method === 'GET') return sendJson(res, 200, settings.current());
    if (name === 'options' && method === 'POST') {
      const body = parseBody('application/json', await readBody(req, MAX_OPTIONS_BYTES));
      try {
        return sendJson(res, 200, settings.setOptions(body as RuntimeOptions));
      } catch (err) {
        if (!(err instanceof EmulatorOptionsError)) throw err;
        return sendJson(res, 400, { error: { code: 400, message: err.message, problems: err.problems } });
      }
    }
    if (name === 'drop-protected' && method === 'POST' && spanFault) {
      const body = parseBody('application/json', await readBody(req, MAX_OPTIONS_BYTES)) as {
        count?: unknown;
      };
      if (typeof body?.count !== 'number' || !Number.isInteger(body.count) || body.count < 0) {
        return sendJson(res, 400, { error: { code: 400, message: 'count must be an integer >= 0' } });
      }
      return sendJson(res, 200, { remaining: spanFault.set(body.count) });
    }
    throw googleErrors.notFound();
  };
}
