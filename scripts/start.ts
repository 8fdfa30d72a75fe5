/**
 * `npm start`: the whole service in one process on embedded defaults — API, one worker, Redis
 * (configured, or a private one), and the Google emulator when no credentials are set.
 * Production runs the parts separately (`npm run api`, `npm run worker`).
 */
import { createApi } from '../api/create-api.js';
import { createEmulator } from '../emulator/create-emulator.js';
import { ConfigError, loadConfig, usesEmulator } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { parseClusterUrl } from '../shared/redis.js';
import { ReleaseRegistry } from '../shared/release-registry.js';
import { exitOnSignals } from '../shared/shutdown.js';
import { startWorker } from '../worker/start-worker.js';
import { redisAnswers, redisServerInstalled, startPrivateRedis } from './local-redis.js';

function fail(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

const notes: string[] = [];
// Released in reverse: the API stops first (its open waits still get answers from the running
// worker), then the worker, the emulator and the private Redis.
const releasers = new ReleaseRegistry();
// A cluster is taken as configured; only a single Redis may be replaced by a private one.
if (!parseClusterUrl(config.REDIS_URL) && !(await redisAnswers(config.REDIS_URL))) {
  if (!redisServerInstalled()) {
    fail(
      `No Redis answers at ${config.REDIS_URL.replace(/\/\/[^@]*@/, '//***@')} and redis-server is not installed.\n` +
        'Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis),\n' +
        'or point REDIS_URL at a running Redis.',
    );
  }
  const redis = await startPrivateRedis();
  releasers.add('private redis', () => redis.stop());
  config = loadConfig(undefined, { REDIS_URL: redis.url });
  notes.push(`No Redis answered, so a private redis-server runs at ${redis.url} (nothing kept on disk).`);
}

// Readable lines for a person at a terminal; JSON when piped or collected.
const logger = createLogger(config, 'translation-service', { pretty: process.stdout.isTTY === true });
if (usesEmulator(config)) {
  const emulator = await createEmulator({
    port: config.EMULATOR_PORT,
    latencyMs: config.EMULATOR_LATENCY_MS,
  });
  releasers.add('emulator', () => emulator.close());
  notes.push(
    `EMULATED TRANSLATIONS: no Google credentials are set, so the built-in Google Translate emulator at ${emulator.url}`,
    'answers instead of Google (its output looks like "[en] your text"). Set GOOGLE_TRANSLATE_API_KEY for real translations.',
  );
}

const worker = await startWorker(config, logger);
// Each part bounds every step of its own release.
releasers.add('worker', () => worker.close(), null);
const api = createApi({ config, logger });
releasers.add('api', () => api.close(), null);
await api.ready();
const { url } = await api.listen();
if (worker.metricsUrl) notes.push(`Worker metrics: ${worker.metricsUrl} (API metrics: ${url}/metrics).`);

const line = '='.repeat(78);
process.stdout.write(
  [
    '',
    line,
    ` Translation service ready at ${url}`,
    ` Try: curl -s ${url}/v1/translate -H 'content-type: application/json' \\`,
    `        -d '{"src_text":"안녕하세요","tgt_lang":"en"}'`,
    ...notes.map((n) => ` ${n}`),
    line,
    '',
  ].join('\n') + '\n',
);

exitOnSignals(logger, 'stopping', () => releasers.release());
