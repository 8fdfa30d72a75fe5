/**
 * The processes under test, started from `dist/` as children: the Google v2 emulator, the service
 * (one API and its workers), the bare baseline server and the direct server.
 */
import type { Redis } from 'ioredis';
import { freePort } from '../scripts/local-redis.js';
import { deleteKeysWithPrefix } from '../shared/redis.js';
import { startChild, type Child } from './child.js';

/** Where the services of one bench run keep their Redis keys. */
export interface RedisPlace {
  redisUrl: string;
  /** Each service gets `<prefix>-<n>`, deleted when it closes. */
  prefix: string;
  redis: Redis;
}

/** Something autocannon can be pointed at, and the processes whose CPU and RSS it costs. */
export interface Target {
  url: string;
  processes: Child[];
  close(): Promise<void>;
}

export interface Emulator {
  child: Child;
  endpoint: string;
  set(latencyMs: number): Promise<void>;
  segments(): Promise<{ requests: number; segments: number }>;
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url);
  return res.ok;
}

export async function startEmulator(): Promise<Emulator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(
    'emulator',
    'emulator/main.js',
    { EMULATOR_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    () => httpOk(`${url}/__emulator/health`),
  );
  const post = (p: string, body: unknown) =>
    fetch(`${url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return {
    child,
    endpoint: `${url}/language/translate/v2`,
    async set(latencyMs) {
      await post('/__emulator/options', { latencyMs });
      await post('/__emulator/reset', {});
    },
    async segments() {
      const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as {
        requests: number;
        segments: number;
      };
      return { requests: stats.requests, segments: stats.segments };
    },
  };
}

export interface Service extends Target {
  /** Its queue prefix. */
  prefix: string;
  api: Child;
  workers: Child[];
}

export interface ServiceOptions {
  /** Worker settings beyond the defaults. `PROVIDER_BATCHING` goes to the API too. */
  workerEnv?: Record<string, string>;
  /** @default 1 */
  workers?: number;
  /** API settings beyond the defaults (they win over the shared ones). */
  apiEnv?: Record<string, string>;
}

let serviceCount = 0;

/**
 * `BENCH_API_NODE_ARGS="--flag …"`: node flags for the API processes only, to measure a setting
 * (e.g. a V8 heap flag) against the defaults without touching the service.
 */
const API_NODE_ARGS = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');

export async function startService(
  place: RedisPlace,
  emulator: Emulator,
  options: ServiceOptions = {},
): Promise<Service> {
  const { workerEnv = {}, workers: workerCount = 1, apiEnv = {} } = options;
  const prefix = `${place.prefix}-${++serviceCount}`;
  const base = {
    REDIS_URL: place.redisUrl,
    QUEUE_PREFIX: prefix,
    GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint,
    // One switch for the whole fleet: the API packs requests into jobs only when batching is on.
    ...(workerEnv.PROVIDER_BATCHING ? { PROVIDER_BATCHING: workerEnv.PROVIDER_BATCHING } : {}),
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // LOG_LEVEL=warn: no per-request log line, which the direct and baseline servers do not write either.
  const api = await startChild(
    'api',
    'api/main.js',
    { ...base, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...apiEnv },
    () => httpOk(`${url}/readyz`),
    [],
    API_NODE_ARGS,
  );
  const workers: Child[] = [];
  for (let i = 0; i < workerCount; i++) {
    const name = workerCount === 1 ? 'worker' : `worker${i + 1}`;
    const env = { ...base, LOG_LEVEL: 'info', ...workerEnv };
    workers.push(await startChild(name, 'worker/main.js', env, 'worker started'));
  }
  return {
    url,
    prefix,
    api,
    workers,
    processes: [api, ...workers],
    async close() {
      await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
      await deleteKeysWithPrefix(place.redis, prefix);
    },
  };
}

function serverTarget(child: Child, port: number): Target {
  return { url: `http://127.0.0.1:${port}`, processes: [child], close: () => child.stop() };
}

/** A bare HTTP server that waits the provider latency and answers the API's body: transport and waiting only. */
export async function startBaseline(latencyMs: number): Promise<Target> {
  const port = await freePort();
  const child = await startChild('baseline', 'bench/baseline-server.js', {}, 'baseline listening', [
    String(port),
    String(latencyMs),
  ]);
  return serverTarget(child, port);
}

/**
 * What a user would write instead of the service: a handler that calls the same Google client once
 * per request, with no queue and no batcher.
 */
export async function startDirect(emulator: Emulator): Promise<Target> {
  const port = await freePort();
  const child = await startChild(
    'direct',
    'bench/direct-server.js',
    { GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint, LOG_LEVEL: 'warn' },
    'direct listening',
    [String(port)],
  );
  return serverTarget(child, port);
}
