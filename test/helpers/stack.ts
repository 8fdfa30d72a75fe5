/**
 * Starts the real stack in this test process: the emulator over HTTP, the API on a random port,
 * and workers using the real Google client, all on a queue prefix of their own that is deleted
 * afterwards. Nothing is mocked.
 */
import { randomUUID } from 'node:crypto';
import { createApi, type Api } from '../../api/create-api.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { createRedis, deleteKeysWithPrefix } from '../../shared/redis.js';
import { createTranslationWorker, type TranslationWorker } from '../../worker/create-worker.js';
import { createEmulator, type Emulator } from '../../emulator/create-emulator.js';
import type { EmulatorOptions } from '../../emulator/emulator-options.js';
import type { DestinationStream } from 'pino';
import type { ItemRef } from '../../api/sync/item-ids.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Stack {
  url: string;
  config: Config;
  emulator: Emulator;
  api: Api;
  workers: TranslationWorker[];
  startWorker(env?: Record<string, string>): Promise<TranslationWorker>;
  close(): Promise<void>;
}

export function testPrefix(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Env for a process of the stack under test (API, worker or a child process). */
export function stackEnv(
  emulator: Emulator,
  prefix: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    GOOGLE_TRANSLATE_API_KEY: 'test-key',
    GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOB_BACKOFF_MS: '50',
    ...env,
  };
}

export async function startStack(
  options: {
    env?: Record<string, string>;
    workers?: number;
    emulator?: EmulatorOptions;
    /** Where API and worker lines go (tests that assert on logs capture them). */
    logDestination?: DestinationStream;
  } = {},
): Promise<Stack> {
  const emulator = await createEmulator({ port: 0, ...options.emulator });
  const prefix = testPrefix();
  const config = loadConfig(stackEnv(emulator, prefix, options.env));
  const logger = createLogger(
    config,
    'test',
    options.logDestination ? { destination: options.logDestination } : {},
  );
  const api = createApi({ config, logger });
  await api.ready();
  const { url } = await api.listen(0, '127.0.0.1');
  const workers: TranslationWorker[] = [];
  const startWorker = async (env: Record<string, string> = {}) => {
    const workerConfig = loadConfig(stackEnv(emulator, prefix, { ...options.env, ...env }));
    const worker = createTranslationWorker({ config: workerConfig, logger });
    await worker.worker.waitUntilReady();
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < (options.workers ?? 1); i++) await startWorker();

  return {
    url,
    config,
    emulator,
    api,
    workers,
    startWorker,
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      await api.close();
      await emulator.close();
      await cleanPrefix(prefix);
    },
  };
}

/** The job and item behind a public job id, sealed for `tenant` (`open` without API keys). */
export async function itemOf(stack: Pick<Stack, 'api'>, id: string, tenant = 'open'): Promise<ItemRef> {
  const ref = (await stack.api.itemIds()).open(id, tenant);
  if (!ref) throw new Error(`${id} is not a job id of ${tenant}`);
  return ref;
}

export async function cleanPrefix(prefix: string): Promise<void> {
  const redis = createRedis(REDIS_URL, 'blocking');
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** POST JSON and read the JSON answer. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Polls until `fn` returns a truthy value or the time runs out. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface HttpResult {
  status: number;
  // Response bodies are asserted field by field in tests; typing each one would add nothing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}
