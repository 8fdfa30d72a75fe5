/**
 * The one place that reads the environment. Every setting is parsed with zod once at start;
 * every problem is reported together and the process refuses to start on any of them
 * (an invalid setting never silently falls back to a default).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseTenants, TenantConfigError, type Tenant } from './tenants.js';
import { webhookSecretProblem } from './webhook-secret.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'expected true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * A shared secret an operator chooses (ADMIN_TOKEN, METRICS_TOKEN): unset, or at least 16
 * characters, so it cannot be guessed within the failed-attempt limit (api/http/failed-auth-limit.ts)
 * and an example value such as `replace-me` cannot be deployed as it stands.
 */
const optionalSecret = optionalString.refine(
  (v) => v === undefined || v.length >= 16,
  'must be at least 16 characters (a random string: openssl rand -hex 16)',
);

/**
 * Express's 'trust proxy': which peers may tell the client's address in X-Forwarded-For. `false`
 * (the default: the peer is the client), `true` (any peer: only behind a proxy that overwrites the
 * header), a number of proxy hops, or addresses and subnets (`loopback`, `linklocal`,
 * `uniquelocal`, `10.0.0.0/8`, `192.168.1.1`).
 */
const trustProxy = z
  .string()
  .optional()
  .transform((raw, ctx): boolean | number | string[] => {
    const v = raw?.trim() ?? '';
    if (v === '' || v === 'false') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v.split(',').map((e) => e.trim());
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected true, false, a hop count, or addresses/subnets (loopback, 10.0.0.0/8, ...); not ${bad.join(', ')}`,
      });
    }
    return entries;
  });

function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) <= (version === 4 ? 32 : 128);
  return version === 4 && isIP(range) === 4; // a netmask such as 255.255.0.0
}

const envSchema = z.object({
  /** API listen port. @default 3000 */
  PORT: int(0, 65535).default(3000),
  /** API listen host. @default 0.0.0.0 */
  HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * Redis connection URL: `redis://` or `rediss://` (TLS), may carry a password; for Redis Cluster
   * `redis+cluster://[user:password@]host1:port1,host2:port2` (seed nodes; `rediss+cluster://` for TLS).
   */
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine(
      (v) => /^rediss?(\+cluster)?:\/\//.test(v),
      'expected a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL',
    ),
  /** BullMQ key prefix: every key this service writes starts with it. Hash-tag it for Redis Cluster. */
  QUEUE_PREFIX: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_:{}.-]+$/, 'letters, digits and _ : { } . - only')
    .default('{translate}'),

  /** How long POST /v1/translate waits for its job before answering 202. @default 30000 */
  SYNC_WAIT_MS: int(0).default(30_000),
  /** Upper bound for a client's `Prefer: wait=N`. @default 120000 */
  SYNC_WAIT_MAX_MS: int(0).default(120_000),
  /** Longest accepted `src_text`, in characters. @default 5000 */
  MAX_TEXT_CHARS: int(1, 100_000).default(5000),
  /** Largest accepted request body on /v1/translate, in bytes. @default 1048576 */
  MAX_BODY_BYTES: int(1024).default(1_048_576),
  /** How long results of finished jobs are kept, in seconds. @default 86400 */
  RESULT_TTL_S: int(1).default(86_400),
  /**
   * Upper bound on finished jobs kept per queue, whatever their age; 0: none, results live
   * RESULT_TTL_S. A cap shortens their lifetime once jobs arrive faster than RESULT_MAX_COUNT /
   * RESULT_TTL_S per second: size it for the peak rate (README, "Result lifetime"). @default 0
   */
  RESULT_MAX_COUNT: int(0).default(0),

  /** On SIGTERM the API lets open waits run this long before answering them 202 (ms). @default 5000 */
  API_DRAIN_MS: int(0).default(5000),

  /**
   * Jobs one worker process holds in flight (BullMQ concurrency). High, because a job in flight
   * costs little: with batching, its text waits for a shared provider request (PROVIDER_CONCURRENCY
   * bounds those), so 1,000 concurrent clients are served by one worker. @default 1000
   */
  WORKER_CONCURRENCY: int(1, 10_000).default(1000),
  /** Attempts per job before it fails for good. @default 3 */
  JOB_ATTEMPTS: int(1, 100).default(3),
  /** First retry delay; doubles each attempt, with jitter. @default 500 */
  JOB_BACKOFF_MS: int(0).default(500),
  /** Stall detection: how often a worker checks for stalled jobs (ms). @default 30000 */
  STALLED_INTERVAL_MS: int(100).default(30_000),
  /** Lock duration of an active job (ms); a crashed worker's job is taken over after it. @default 30000 */
  LOCK_DURATION_MS: int(100).default(30_000),
  /** How long a stopping worker waits for jobs in flight (ms). @default 25000 */
  SHUTDOWN_GRACE_MS: int(0).default(25_000),

  /** Most items one batch may hold, after `src_texts` × `tgt_langs` expansion (more → 413). @default 10000 */
  MAX_BATCH_ITEMS: int(1, 1_000_000).default(10_000),
  /** Largest accepted body on POST /v1/batches, in bytes. @default 16777216 */
  MAX_BATCH_BODY_BYTES: int(1024).default(16 * 1024 * 1024),
  /** Batch chunk jobs one worker process runs at once (a queue of their own, so sync jobs keep theirs). @default 8 */
  BATCH_WORKER_CONCURRENCY: int(1, 1000).default(8),
  /**
   * Most characters (UTF-16 units) of distinct texts in one provider request of a batch, besides
   * Google's 128 segments. Google recommends ≤ 5,000 per request; its hard limit is ~100 KB, which
   * any value up to 30,000 respects whatever the script. @default 5000
   */
  BATCH_CHUNK_MAX_CHARS: int(1, 30_000).default(5000),
  /**
   * How often a followed batch is read: least time between two SSE `progress` events, and the step
   * of a batch `Prefer: wait` (one reader per batch per API process, however many follow it). @default 250
   */
  BATCH_EVENTS_INTERVAL_MS: int(10, 60_000).default(250),
  /** SSE event streams one API process holds open; past it 429 `overloaded`. @default 1000 */
  MAX_EVENT_STREAMS: int(0).default(1000),
  /**
   * SSE event streams one client (API key, or address without keys) holds open per API process;
   * past it 429 `rate_limited`. @default 20
   */
  MAX_EVENT_STREAMS_PER_KEY: int(0).default(20),
  /**
   * Key that signs batch webhooks (Standard Webhooks), as `whsec_<base64 of 24+ random bytes>`; a
   * plain secret of 16+ characters is still accepted, deprecated, its UTF-8 bytes being the key.
   * Without it `callback_url` is refused.
   */
  WEBHOOK_SECRET: optionalString.superRefine((v, ctx) => {
    const problem = v === undefined ? undefined : webhookSecretProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Allow callback URLs that resolve to loopback, private or link-local addresses (tests, local dev). @default false */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** Delivery attempts of one webhook before it is given up. @default 8 */
  WEBHOOK_ATTEMPTS: int(1, 100).default(8),
  /** First webhook retry delay; exponential with jitter (ms). @default 1000 */
  WEBHOOK_BACKOFF_MS: int(0).default(1000),
  /**
   * Deadline of one webhook delivery attempt, from connect to the answer's last byte (ms); a slower
   * receiver fails that attempt, which is retried. @default 5000
   */
  WEBHOOK_TIMEOUT_MS: int(100).default(5000),

  /**
   * Provider quota shared by every worker (Redis token bucket), in characters per minute; 0 turns it
   * off. Set it at or under the project's quota so the fleet waits instead of hitting 429s. @default 6000000
   */
  PROVIDER_MAX_CHARS_PER_MIN: int(0).default(6_000_000),
  /** Provider requests per second across every worker (Redis token bucket); 0 turns it off. @default 0 */
  PROVIDER_MAX_RPS: int(0).default(0),
  /** First fleet-wide pause after a provider quota answer (429); doubles while they continue (ms). @default 1000 */
  PROVIDER_QUOTA_PAUSE_MS: int(1).default(1000),
  /**
   * Times a job may be put back by provider quota answers (they cost no attempt) before further quota
   * answers count as failed attempts, so a job never waits on quota forever. @default 10
   */
  PROVIDER_QUOTA_RETRIES: int(0).default(10),

  /** Waiting jobs above which new work gets 429 `overloaded`. @default 100000 */
  MAX_QUEUE_DEPTH: int(1).default(100_000),
  /**
   * Batch chunk jobs waiting (queue translate-batch) above which POST /v1/batches gets 429
   * `overloaded`; a chunk is one provider request of up to 128 distinct texts. @default 20000
   */
  MAX_BATCH_BACKLOG: int(0).default(20_000),
  /**
   * Waiting clients one API process holds at once, sync requests and batch `Prefer: wait` together;
   * past it requests are answered 202 at once. @default 20000
   */
  MAX_OPEN_WAITS: int(0).default(20_000),
  /**
   * Run the API process's V8 with `--optimize-for-size`: a smaller young generation and slower
   * old-generation growth. Measured (bench scenarios 3 and 7): with 5,000 waiting requests the API's
   * peak RSS falls from ~225 MB to ~170 MB, but its CPU per request nearly doubles, which costs
   * throughput under load (scenario 3 fell from 2.5× to 1.3× the direct server). Off by default; for
   * deployments short of memory rather than CPU. @default false
   */
  API_OPTIMIZE_FOR_SIZE: bool.default(false),
  /** Characters accepted per UTC day before new work gets 429 `budget_exhausted`; 0 turns it off. @default 0 */
  DAILY_CHAR_BUDGET: int(0).default(0),
  /**
   * Comma-separated API keys for /v1 routes (`Authorization: Bearer <key>` or `X-API-Key`); an entry
   * `sha256:<hex>` is a key's SHA-256 instead of the key. Each key is a tenant named
   * `key-<first 8 hex of its SHA-256>`: it sees only its own jobs and batches. A setting that names
   * no key (`,`) or a malformed digest refuses to start. Unset (and no API_KEYS_FILE): no keys required.
   */
  API_KEYS: optionalString,
  /**
   * Path of a JSON file of API keys, read once at start, adding keys with a name, the secret's
   * digest, limits, a fair-share weight and a webhook secret each (README, "Multi-tenant
   * deployment"). Unset: only API_KEYS.
   */
  API_KEYS_FILE: optionalString,
  /**
   * What the translation cache and the in-flight deduplication share: `tenant` (each key sees only
   * its own traffic) or `shared` (every key's, saving provider characters but telling a key that
   * another one translated a text). @default tenant when keys are configured, else shared
   */
  CACHE_SCOPE: z.enum(['tenant', 'shared']).optional(),
  /** Requests per minute per API key (or per client IP without keys), across API processes; 0 = off. @default 0 */
  RATE_LIMIT_PER_MIN: int(0).default(0),
  /**
   * Which proxies in front of the API may name the client's address (X-Forwarded-For), for the
   * per-IP rate limit and logs. Unset: none, so behind a load balancer every client shares its address.
   */
  TRUST_PROXY: trustProxy,

  /** Google API key. Without it (and without ADC) the service runs against the emulator. */
  GOOGLE_TRANSLATE_API_KEY: optionalString,
  /** Path of a service-account JSON file (Application Default Credentials). */
  GOOGLE_APPLICATION_CREDENTIALS: optionalString,
  /** Replaces Google's base URL, e.g. http://127.0.0.1:8089/language/translate/v2 (the emulator). */
  GOOGLE_CLOUD_TRANSLATE_ENDPOINT: optionalString,
  /** Per-request timeout for calls to Google (ms). @default 15000 */
  PROVIDER_TIMEOUT_MS: int(100).default(15_000),
  /**
   * Provider requests one worker process keeps open at once (every caller of the process shares
   * them: interactive jobs and batch jobs alike). With batching, each carries up to 128 texts.
   * Small requests sent at low load must not use up the slots a burst then waits for (a full
   * provider round trip): 64 keeps a trickle of small jobs from doing that.
   * @default 64
   */
  PROVIDER_CONCURRENCY: int(1, 1000).default(64),
  /**
   * Coalesce concurrent jobs of the same (source, target, format, model) into one provider request
   * (worker), and requests that arrive together into one job (API, see api/sync/request-packer.ts).
   * false: one job per request and one provider request per text. @default true
   */
  PROVIDER_BATCHING: bool.default(true),
  /**
   * How long a batch waits for more segments (ms). 0: it leaves on the next turn of the event loop,
   * so a lone job waits for nothing and batches still form under load. @default 0
   */
  PROVIDER_BATCH_WINDOW_MS: int(0, 10_000).default(0),
  /**
   * Characters (code points, what Google counts) of text in one provider request. Google refuses
   * requests of about 100 KB and recommends at most 5,000 characters; a longer single text goes
   * alone. 128 segments of up to ~39 characters fit. @default 5000
   */
  PROVIDER_BATCH_MAX_CHARS: int(100, 25_000).default(5000),

  /** Lifetime of cached translations (s); 0 turns the cache off. @default 2592000 (30 days) */
  CACHE_TTL_S: int(0).default(2_592_000),

  /** pino level. @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /**
   * Bearer token required by `GET /metrics` (API) and the worker metrics server when set.
   * Unset: metrics are open (keep the port internal). At least 16 characters.
   */
  METRICS_TOKEN: optionalSecret,
  /**
   * Port of the worker's Prometheus endpoint (`GET /metrics`). Unset or empty: no metrics server
   * (several workers in one process or host would clash); 0 picks a free port. @default unset
   */
  WORKER_METRICS_PORT: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    int(0, 65535).optional(),
  ),
  /** How often the API samples queue depth (BullMQ job counts) for /metrics (ms). @default 5000 */
  QUEUE_METRICS_INTERVAL_MS: int(100).default(5000),
  /**
   * Turns on the bull-board dashboard at /admin/queues, behind this secret: send it as
   * `Authorization: Bearer <token>` or as the password of HTTP basic auth (user ADMIN_USER).
   * At least 16 characters. Unset: no dashboard. @default unset
   */
  ADMIN_TOKEN: optionalSecret,
  /** User name for basic auth on /admin/queues. @default admin */
  ADMIN_USER: z.string().min(1).default('admin'),

  /**
   * OpenTelemetry spans from the HTTP request through the job to the provider call. Needs an SDK
   * preloaded by the operator (docs/operations.md#tracing); off costs nothing. @default false
   */
  TRACING_ENABLED: bool.default(false),

  /** Port of the emulator started by `npm start` / `npm run emulator`. @default 8089 */
  EMULATOR_PORT: int(0, 65535).default(8089),
  /** Emulated provider latency (ms). @default 0 */
  EMULATOR_LATENCY_MS: int(0).default(0),
  /** Share of emulator requests answered with EMULATOR_FAULT_KIND (0..1). @default 0 */
  EMULATOR_FAULT_RATE: z.coerce.number().min(0).max(1).default(0),
  /** What an injected fault looks like. @default 503 */
  EMULATOR_FAULT_KIND: z.enum(['500', '503', '429', '403-quota', '403-daily', 'hang']).default('503'),
});

type EnvSettings = z.infer<typeof envSchema>;

export type Config = Readonly<
  Omit<EnvSettings, 'CACHE_SCOPE'> & {
    /** The API keys of API_KEYS and API_KEYS_FILE, one tenant each (shared/tenants.ts); empty: open mode. */
    TENANTS: readonly Tenant[];
    CACHE_SCOPE: NonNullable<EnvSettings['CACHE_SCOPE']>;
  }
>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses an environment (default: `process.env`), with optional overrides on top.
 * Throws ConfigError listing every problem.
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  overrides: Record<string, string> = {},
): Config {
  const env = { ...source, ...overrides };
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        // Values of secrets are never echoed.
        const shown = /KEY|PASSWORD|SECRET|TOKEN|CREDENTIALS|URL/.test(name)
          ? ''
          : ` (got ${JSON.stringify(value)})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const config = { ...result.data, ...tenantSettings(result.data) };
  if (/^rediss?\+cluster:/.test(config.REDIS_URL) && !/\{[^{}]+\}/.test(config.QUEUE_PREFIX)) {
    throw new ConfigError([
      `QUEUE_PREFIX: must contain a hash tag like {translate} on Redis Cluster, so every key shares one slot (got ${JSON.stringify(config.QUEUE_PREFIX)})`,
    ]);
  }
  if (config.SYNC_WAIT_MS > config.SYNC_WAIT_MAX_MS) {
    throw new ConfigError([
      `SYNC_WAIT_MS (${config.SYNC_WAIT_MS}) must not exceed SYNC_WAIT_MAX_MS (${config.SYNC_WAIT_MAX_MS})`,
    ]);
  }
  return Object.freeze(config);
}

/** The tenants (API_KEYS_FILE read here, once) and the cache scope their presence defaults. */
function tenantSettings(env: EnvSettings): Pick<Config, 'TENANTS' | 'CACHE_SCOPE'> {
  let file: string | undefined;
  if (env.API_KEYS_FILE !== undefined) {
    try {
      file = readFileSync(env.API_KEYS_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError([
        `API_KEYS_FILE: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
  }
  try {
    const tenants = Object.freeze(parseTenants({ apiKeys: env.API_KEYS, file }));
    return { TENANTS: tenants, CACHE_SCOPE: env.CACHE_SCOPE ?? (tenants.length > 0 ? 'tenant' : 'shared') };
  } catch (err) {
    if (err instanceof TenantConfigError) throw new ConfigError(err.problems);
    throw err;
  }
}

/** True when no Google credentials are configured: the service should use the emulator. */
export function usesEmulator(config: Config): boolean {
  return !config.GOOGLE_TRANSLATE_API_KEY && !config.GOOGLE_APPLICATION_CREDENTIALS;
}

/**
 * Where and how the worker reaches the provider. Without credentials it is the local emulator
 * (with a placeholder key, since the emulator wants one like Google does).
 */
export function providerSettings(config: Config): { key?: string; endpoint?: string } {
  if (usesEmulator(config)) {
    return {
      key: 'emulator-key',
      endpoint:
        config.GOOGLE_CLOUD_TRANSLATE_ENDPOINT ??
        `http://127.0.0.1:${config.EMULATOR_PORT}/language/translate/v2`,
    };
  }
  return {
    ...(config.GOOGLE_TRANSLATE_API_KEY ? { key: config.GOOGLE_TRANSLATE_API_KEY } : {}),
    ...(config.GOOGLE_CLOUD_TRANSLATE_ENDPOINT ? { endpoint: config.GOOGLE_CLOUD_TRANSLATE_ENDPOINT } : {}),
  };
}

/** Loads the config or exits the process with a readable message: for main entry points only. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
