/**
 * `npm run chaos`: a bounded (about a minute) run of mixed sync and batch load against two API and
 * three worker processes (compiled, from dist/) on a Redis of its own (append-only), while it kills
 * and restarts workers, stops an API, restarts Redis once and turns on provider faults. At the end
 * it checks every request the API accepted (200, 202, or a definite error after acceptance) and
 * prints accepted / completed / failed-with-definite-error / lost. Exit code 1 when anything is lost
 * or a translation is wrong.
 *
 * Options: `npm run chaos -- --seconds 40 --clients 16 --seed 7` (load phase length, concurrent
 * clients, seed of the emulator's random faults).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import { freePort } from '../scripts/local-redis.js';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '40' },
    clients: { type: 'string', default: '16' },
    seed: { type: 'string', default: '7' },
  },
});
const LOAD_S = Number(args.seconds);
const CLIENTS = Number(args.clients);
const SEED = Number(args.seed);
const SETTLE_S = 60;

const DIST = fileURLToPath(new URL('..', import.meta.url));
const logDir = mkdtempSync(join(tmpdir(), 'chaos-'));
const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1).padStart(5);
const say = (msg: string) => process.stdout.write(`[${elapsed()}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- processes -------------------------------------------------------------------------------

interface Service {
  name: string;
  kind: 'api' | 'worker';
  port?: number;
  child?: ChildProcess;
  exits: (number | string)[];
  /** Like a load balancer following /readyz: clients are sent only to ready APIs. */
  ready?: boolean;
}

let baseEnv: Record<string, string> = {};

function spawnService(service: Service): void {
  const entry = join(DIST, service.kind === 'api' ? 'api/main.js' : 'worker/main.js');
  const log = createWriteStream(join(logDir, `${service.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [entry], {
    // Only what the run sets: the children's settings never leak in from this shell.
    env: {
      ...baseEnv,
      ...(service.port ? { PORT: String(service.port), HOST: '127.0.0.1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.once('exit', (code, signal) => service.exits.push(code ?? signal ?? 'unknown'));
  service.child = child;
}

async function waitReady(service: Service): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if (service.kind === 'api') {
      const ok = await fetch(`http://127.0.0.1:${service.port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
    } else if (service.child && service.child.exitCode === null) {
      await sleep(1500); // a worker is ready once it connected; no port to ask
      return;
    }
    await sleep(200);
  }
  throw new Error(`${service.name} not ready`);
}

async function stopService(service: Service, signal: NodeJS.Signals): Promise<void> {
  const child = service.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

// ---- load ------------------------------------------------------------------------------------

type Kind = 'sync' | 'async' | 'batch';

interface Tracked {
  kind: Kind;
  /** Job id (sync/async) or batch id. */
  id: string;
  /** Expected translations: item index → text. */
  expect: { text: string; tgt: string }[];
  api: string;
}

const counts = {
  sent: 0,
  accepted: 0,
  rejected: new Map<string, number>(),
  unanswered: 0,
  unansweredBy: new Map<string, number>(),
  completed: 0,
  failed: new Map<string, number>(),
  /** Requests (a sync/async job or a whole batch) that ended in a definite error. */
  failedRequests: 0,
  lost: 0,
  wrong: 0,
  /** Items (a sync/async request is one item; a batch has several). */
  acceptedItems: 0,
  completedItems: 0,
  failedItems: 0,
};
const pending: Tracked[] = [];
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

let seq = 0;
const LANGS = ['en', 'fr', 'de', 'ja', 'ko'];
/** One request in 40 asks for a language the provider rejects: a definite error by design. */
const BAD_LANG = 'xx';
const target = (n: number) => (n % 40 === 7 ? BAD_LANG : LANGS[n % LANGS.length]!);
/** A completed translation must read `[tgt] text`; a rejected language must never complete. */
const isRight = (tgt: string, text: string, got: string | undefined) =>
  tgt !== BAD_LANG && got === `[${tgt}] ${text}`;

async function oneRequest(apis: Service[]): Promise<void> {
  const live = apis.filter((a) => a.ready);
  const api = live[seq % Math.max(1, live.length)] ?? apis[0]!;
  const base = `http://127.0.0.1:${api.port}`;
  const n = ++seq;
  const roll = n % 10;
  const kind: Kind = roll < 6 ? 'sync' : roll < 8 ? 'async' : 'batch';
  counts.sent++;
  try {
    if (kind === 'batch') {
      const items = Array.from({ length: 3 + (n % 8) }, (_, i) => ({
        src_text: `chaos batch ${n} item ${i}`,
        tgt_lang: target(n + i),
        src_lang: 'es',
      }));
      const res = await fetch(`${base}/v1/batches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { batch_id?: string; error?: { code: string } };
      if (res.status === 202 && body.batch_id) {
        counts.accepted++;
        counts.acceptedItems += items.length;
        pending.push({
          kind,
          id: body.batch_id,
          expect: items.map((i) => ({ text: i.src_text, tgt: i.tgt_lang })),
          api: base,
        });
      } else bump(counts.rejected, `${res.status} ${body.error?.code ?? '?'}`);
      return;
    }
    const text = `chaos ${kind} ${n}`;
    const tgt = target(n);
    const res = await fetch(`${base}/v1/translate`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        prefer: kind === 'sync' ? 'wait=5' : 'respond-async',
      },
      body: JSON.stringify({ src_text: text, tgt_lang: tgt, src_lang: 'es' }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as {
      job_id?: string;
      tgt_text?: string;
      error?: { code: string };
    };
    if (res.status === 200) {
      counts.accepted++;
      counts.acceptedItems++;
      counts.completed++;
      counts.completedItems++;
      if (!isRight(tgt, text, body.tgt_text)) counts.wrong++;
    } else if (res.status === 202 && body.job_id) {
      counts.accepted++;
      counts.acceptedItems++;
      pending.push({ kind, id: body.job_id, expect: [{ text, tgt }], api: base });
    } else if (res.status === 502 || (res.status === 400 && body.error?.code === 'unsupported_language')) {
      // Accepted, worked on, and answered with a definite error.
      counts.accepted++;
      counts.acceptedItems++;
      counts.failedItems++;
      counts.failedRequests++;
      bump(counts.failed, body.error?.code ?? String(res.status));
    } else {
      bump(counts.rejected, `${res.status} ${body.error?.code ?? '?'}`);
    }
  } catch (err) {
    // No answer at all (connection refused or reset): the promise covers answered requests only.
    counts.unanswered++;
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    bump(counts.unansweredBy, cause);
  }
}

async function client(apis: Service[], until: number): Promise<void> {
  while (Date.now() < until) {
    await oneRequest(apis);
    await sleep(20);
  }
}

/** Follows every accepted job/batch to its end (or until the settle deadline). */
async function settle(apis: Service[]): Promise<void> {
  const end = Date.now() + SETTLE_S * 1000;
  const base = `http://127.0.0.1:${apis[0]!.port}`;
  let open = [...pending];
  while (open.length > 0 && Date.now() < end) {
    const still: Tracked[] = [];
    for (const t of open) {
      const done = await check(base, t).catch(() => false);
      if (!done) still.push(t);
    }
    open = still;
    if (open.length > 0) await sleep(500);
  }
  for (const t of open) {
    counts.lost++;
    say(`LOST ${t.kind} ${t.id} (accepted by ${t.api})`);
  }
}

async function check(base: string, t: Tracked): Promise<boolean> {
  if (t.kind !== 'batch') {
    const res = await fetch(`${base}/v1/jobs/${t.id}`);
    if (res.status === 404) return false; // reported lost if it never shows up
    const job = (await res.json()) as {
      status: string;
      result?: { tgt_text: string };
      error?: { code: string };
    };
    if (job.status === 'completed') {
      counts.completed++;
      counts.completedItems++;
      const e = t.expect[0]!;
      if (!isRight(e.tgt, e.text, job.result?.tgt_text)) counts.wrong++;
      return true;
    }
    if (job.status === 'failed') {
      counts.failedItems++;
      counts.failedRequests++;
      bump(counts.failed, job.error?.code ?? 'unknown');
      return true;
    }
    return false;
  }
  const res = await fetch(`${base}/v1/batches/${t.id}`);
  if (!res.ok) return false;
  const state = (await res.json()) as { status: string };
  if (state.status === 'running') return false;
  const results = await fetch(`${base}/v1/batches/${t.id}/results?limit=5000`);
  const { items } = (await results.json()) as {
    items: { index: number; status: string; tgt_text?: string; error?: { code: string } }[];
  };
  let failed = 0;
  for (const item of items) {
    const e = t.expect[item.index]!;
    if (item.status === 'completed') {
      counts.completedItems++;
      if (!isRight(e.tgt, e.text, item.tgt_text)) counts.wrong++;
    } else if (item.status === 'failed') {
      counts.failedItems++;
      failed++;
      bump(counts.failed, `batch item ${item.error?.code ?? 'unknown'}`);
    } else {
      // A finished batch with an item neither completed nor failed (nothing is cancelled here).
      counts.lost++;
      say(`LOST batch item ${t.id}#${item.index} (${item.status})`);
    }
  }
  if (items.length !== t.expect.length) {
    counts.lost += t.expect.length - items.length;
    say(`LOST ${t.expect.length - items.length} items of batch ${t.id}`);
  }
  if (failed === 0) counts.completed++;
  else counts.failedRequests++;
  return true;
}

// ---- the run ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  let redis: RedisServer | undefined;
  let emulator: Emulator | undefined;
  const services: Service[] = [];
  try {
    [redis, emulator] = await Promise.all([
      startRedisServer(),
      createEmulator({ port: 0, latencyMs: 30, seed: SEED }),
    ]);
    baseEnv = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: '{chaos}',
      GOOGLE_TRANSLATE_API_KEY: 'chaos-key',
      GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint,
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '20',
      JOB_ATTEMPTS: '6',
      JOB_BACKOFF_MS: '200',
      LOCK_DURATION_MS: '3000',
      STALLED_INTERVAL_MS: '1500',
      SHUTDOWN_GRACE_MS: '5000',
      API_DRAIN_MS: '2000',
      PROVIDER_TIMEOUT_MS: '2000',
      PROVIDER_QUOTA_PAUSE_MS: '300',
      SYNC_WAIT_MAX_MS: '10000',
      SYNC_WAIT_MS: '5000',
    };
    const apis: Service[] = [];
    for (let i = 0; i < 2; i++)
      apis.push({ name: `api-${i}`, kind: 'api', port: await freePort(), exits: [] });
    const workers: Service[] = [0, 1, 2].map((i) => ({ name: `worker-${i}`, kind: 'worker', exits: [] }));
    services.push(...apis, ...workers);
    for (const s of services) spawnService(s);
    await Promise.all(services.map(waitReady));
    for (const a of apis) a.ready = true;
    say(`2 APIs, 3 workers, redis ${redis.url.replace(/\/\/.*@/, '//')} (appendonly), logs in ${logDir}`);

    const loadStart = Date.now();
    const until = loadStart + LOAD_S * 1000;
    const load = Promise.all(Array.from({ length: CLIENTS }, () => client(apis, until)));
    const at = (s: number) => sleep(Math.max(0, loadStart + s * 1000 - Date.now()));
    const scale = LOAD_S / 40; // the schedule below is written for a 40 s load phase

    const faults = (async () => {
      await at(3 * scale);
      say('provider: 10% of requests answer 503');
      emulator!.setOptions({ faultRate: 0.1, faultKind: '503' });
      await at(6 * scale);
      say('SIGKILL worker-0 (its jobs are taken over after stall detection)');
      await stopService(workers[0]!, 'SIGKILL');
      await at(9 * scale);
      say('restart worker-0');
      spawnService(workers[0]!);
      await at(11 * scale);
      say('provider: next 30 requests answer 429 (fleet-wide pause)');
      emulator!.setOptions({ failNext: { count: 30, kind: '429' } });
      await at(14 * scale);
      say('SIGTERM worker-1 (finishes its jobs in flight)');
      const stopping = stopService(workers[1]!, 'SIGTERM');
      await at(16 * scale);
      await stopping;
      say(`worker-1 exited ${String(workers[1]!.exits.at(-1))}; restart it`);
      spawnService(workers[1]!);
      await at(19 * scale);
      say('Redis: stop (SIGTERM) ...');
      await redis!.stop();
      await sleep(2000);
      await redis!.start();
      say('Redis: ... started again');
      await at(25 * scale);
      say('provider: hangs for 3 s (PROVIDER_TIMEOUT_MS 2000)');
      emulator!.setOptions({ hang: true });
      await sleep(3000);
      emulator!.setOptions({ hang: false });
      say('provider: answers again');
      await at(29 * scale);
      say('SIGTERM api-0 (drains its waits)');
      apis[0]!.ready = false;
      await stopService(apis[0]!, 'SIGTERM');
      say(`api-0 exited ${String(apis[0]!.exits.at(-1))}; restart it`);
      spawnService(apis[0]!);
      await waitReady(apis[0]!);
      apis[0]!.ready = true;
      await at(32 * scale);
      say('SIGKILL worker-2, restart it at once');
      await stopService(workers[2]!, 'SIGKILL');
      spawnService(workers[2]!);
      await at(35 * scale);
      say('provider: faults off');
      emulator!.setOptions({ faultRate: 0 });
    })();

    await Promise.all([load, faults]);
    say(`load over: ${counts.sent} requests sent; settling ${pending.length} open jobs and batches`);
    await settle(apis);
    const stats = emulator.stats();
    const line = (k: string, v: string | number) => process.stdout.write(`${k.padEnd(44)}${v}\n`);
    const fmt = (m: Map<string, number>) => [...m].map(([k, v]) => `${k}: ${v}`).join(', ') || '-';
    process.stdout.write('\n=== chaos result ===\n');
    line('requests sent', counts.sent);
    line('refused at the door (not accepted)', fmt(counts.rejected));
    line('unanswered (no HTTP answer)', `${counts.unanswered} (${fmt(counts.unansweredBy)})`);
    line('accepted (200, 202, or error after work)', counts.accepted);
    line('  completed', counts.completed);
    line('  failed with definite error', counts.failedRequests);
    line('  lost', counts.lost);
    line(
      'items (a batch has 3-10)',
      `accepted ${counts.acceptedItems}, completed ${counts.completedItems}, failed ${counts.failedItems}`,
    );
    line('  error codes of failed items', fmt(counts.failed));
    line('wrong translations', counts.wrong);
    line('provider requests / faults', `${stats.requests} / ${stats.faultsInjected}`);
    line('process exits', services.map((s) => `${s.name}: ${s.exits.join(',') || '-'}`).join('; '));
    line('duration', `${elapsed().trim()} s`);
    process.exitCode = counts.lost === 0 && counts.wrong === 0 ? 0 : 1;
  } finally {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL')));
    await emulator?.close();
    await redis?.destroy();
  }
}

await main();
