/**
 * `npm run bench`: the scenarios of issue 4 (the first is issue 2's seed benchmark), each measured
 * beside a zero-overhead baseline in the same run. The processes under test run from `dist/` as
 * child processes (emulator, API, workers, baseline and direct servers), so CPU time and RSS are
 * per process; the load generator is autocannon in this process. Every run uses texts of its own
 * (the cache would answer otherwise), except the cache scenario. Prints a table and writes
 * `bench/results/run-<time>.json` and `bench/results/latest.json`.
 *
 * Redis: `REDIS_URL` (default 127.0.0.1:6379), on a prefix of its own that is deleted afterwards.
 * The API runs with LOG_LEVEL=warn (no per-request log line, which the baseline does not write
 * either); everything else is on its defaults unless a scenario says otherwise.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../scripts/local-redis.js';
import { loadConfig } from '../shared/config.js';
import { createRedis, deleteKeysWithPrefix } from '../shared/redis.js';
import { DIST, parseRedisCpu, startChild, stopAllChildren, type Child } from './child.js';
import { round, run, type RunResult } from './load.js';

const config = loadConfig();
const REDIS_URL = config.REDIS_URL;
const RUN_ID = randomUUID().slice(0, 6);
const PREFIX = `bench-${RUN_ID}`;
const redis = createRedis(REDIS_URL, 'blocking');

interface Row extends RunResult {
  scenario: string;
  path: string;
  setup: string;
  connections: number;
}

interface Verdict {
  scenario: string;
  goal: string;
  value: string;
  met: boolean;
  note?: string;
}

const rows: Row[] = [];
const verdicts: Verdict[] = [];

const redisCpu = async () => parseRedisCpu(await redis.info('cpu'));

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url);
  return res.ok;
}

// ---------------------------------------------------------------- processes under test

interface Emulator {
  child: Child;
  endpoint: string;
  set(latencyMs: number): Promise<void>;
  segments(): Promise<{ requests: number; segments: number }>;
}

async function startEmulator(): Promise<Emulator> {
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

interface Service {
  url: string;
  api: Child;
  workers: Child[];
  close(): Promise<void>;
}

let serviceCount = 0;

async function startService(
  emulator: Emulator,
  workerEnv: Record<string, string> = {},
  workerCount = 1,
  apiEnv: Record<string, string> = {},
): Promise<Service> {
  const prefix = `${PREFIX}-${++serviceCount}`;
  const base = {
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint,
    // One switch for the whole fleet: the API packs requests into jobs only when batching is on.
    ...(workerEnv.PROVIDER_BATCHING ? { PROVIDER_BATCHING: workerEnv.PROVIDER_BATCHING } : {}),
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = await startChild(
    'api',
    'api/main.js',
    { ...base, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...apiEnv },
    () => httpOk(`${url}/readyz`),
  );
  const workers: Child[] = [];
  for (let i = 0; i < workerCount; i++) {
    workers.push(
      await startChild(
        workerCount === 1 ? 'worker' : `worker${i + 1}`,
        'worker/main.js',
        { ...base, LOG_LEVEL: 'info', ...workerEnv },
        'worker started',
      ),
    );
  }
  return {
    url,
    api,
    workers,
    async close() {
      await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
      await deleteKeysWithPrefix(redis, prefix);
    },
  };
}

async function startBaseline(latencyMs: number): Promise<{ url: string; child: Child }> {
  const port = await freePort();
  const child = await startChild('baseline', 'bench/baseline-server.js', {}, 'baseline listening', [
    String(port),
    String(latencyMs),
  ]);
  return { url: `http://127.0.0.1:${port}`, child };
}

async function startDirect(emulator: Emulator, coalescing = false): Promise<{ url: string; child: Child }> {
  const port = await freePort();
  const child = await startChild(
    'direct',
    'bench/direct-server.js',
    { GOOGLE_CLOUD_TRANSLATE_ENDPOINT: emulator.endpoint, LOG_LEVEL: 'warn' },
    'direct listening',
    [String(port), ...(coalescing ? ['--coalescing'] : [])],
  );
  return { url: `http://127.0.0.1:${port}`, child };
}

// ---------------------------------------------------------------- measuring

let textCounter = 0;
/** Texts no earlier run used (the cache would answer them otherwise). */
function uniqueTexts(): (i: number) => string {
  const tag = `${RUN_ID}-${++textCounter}`;
  return (i) => `bench ${tag} text ${i}`;
}

async function measure(
  scenario: string,
  pathName: string,
  setup: string,
  url: string,
  processes: Child[],
  connections: number,
  amount: number,
  text: (i: number) => string = uniqueTexts(),
): Promise<Row> {
  const result = await run({ url, connections, amount, text, processes, redisCpu });
  const row: Row = { scenario, path: pathName, setup, connections, ...result };
  rows.push(row);
  printRow(row);
  return row;
}

async function warmUp(url: string, connections: number, amount: number): Promise<void> {
  await run({ url, connections, amount, text: uniqueTexts(), processes: [], redisCpu });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function verdict(v: Verdict): void {
  verdicts.push(v);
  process.stdout.write(
    `  → ${v.met ? 'MET ' : 'MISS'} ${v.goal}: ${v.value}${v.note ? ` (${v.note})` : ''}\n`,
  );
}

/** The process that used the most CPU during a run, as a share of one core. */
function busiest(row: Row): string {
  const [name, seconds] = Object.entries(row.cpu).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
  return `busiest: ${name} ${round(seconds / row.seconds)} cores`;
}

// ---------------------------------------------------------------- scenarios

async function seed(emulator: Emulator): Promise<void> {
  const name = '1 seed';
  const setup =
    'emulator 180 ms, 1 worker WORKER_CONCURRENCY=50, 100 req @ 50 conn, 3 runs after a warm-up of 1000 req';
  header(name, setup);
  await emulator.set(180);
  const baseline = await startBaseline(180);
  // The ceiling without a queue: one process calling the same Google client through the same
  // batcher in its handler. It shows how much of the gap to the baseline is the provider client and
  // the emulator on this machine, and how much is the queue.
  const inProcess = await startDirect(emulator, true);
  const service = await startService(emulator, { WORKER_CONCURRENCY: '50' });
  try {
    // Long enough for the JIT to settle on every code path of the service (the baseline has few).
    await warmUp(baseline.url, 50, 1000);
    await warmUp(inProcess.url, 50, 1000);
    await warmUp(service.url, 50, 1000);
    const b: number[] = [];
    const d: number[] = [];
    const s: number[] = [];
    for (let r = 1; r <= 3; r++) {
      b.push(
        (await measure(name, `baseline #${r}`, setup, baseline.url, [baseline.child], 50, 100)).reqPerSec,
      );
      d.push(
        (await measure(name, `in-process, no queue #${r}`, setup, inProcess.url, [inProcess.child], 50, 100))
          .reqPerSec,
      );
      s.push(
        (await measure(name, `service #${r}`, setup, service.url, [service.api, ...service.workers], 50, 100))
          .reqPerSec,
      );
    }
    const ratio = round(median(s) / median(b));
    verdict({
      scenario: name,
      goal: 'service ≥ 0.95 × baseline req/s (medians)',
      value: `${median(s)} / ${median(b)} = ${ratio}`,
      met: ratio >= 0.95,
      note: `in-process without a queue: ${round(median(d) / median(b))} × baseline; service = ${round(median(s) / median(d))} × in-process`,
    });
  } finally {
    await service.close();
    await inProcess.child.stop();
    await baseline.child.stop();
  }
}

async function atScale(
  emulator: Emulator,
  name: string,
  connections: number,
  amount: number,
  goal: number,
  batchingOffAmount?: number,
): Promise<void> {
  const setup = `emulator 180 ms, 1 worker on defaults, ${amount} req @ ${connections} conn`;
  header(name, setup);
  await emulator.set(180);
  const baseline = await startBaseline(180);
  const service = await startService(emulator);
  try {
    // Three processes' worth of code paths to warm (API, worker, Redis client): a few thousand
    // requests, not a few hundred, before the JIT has settled.
    await warmUp(baseline.url, connections, Math.max(3000, 3 * connections));
    await warmUp(service.url, connections, Math.max(3000, 3 * connections));
    // Three alternating runs, medians compared: one run of a second or two is at the mercy of
    // whatever else the machine does.
    const b: number[] = [];
    const s: Row[] = [];
    for (let r = 1; r <= 3; r++) {
      b.push(
        (await measure(name, `baseline #${r}`, setup, baseline.url, [baseline.child], connections, amount))
          .reqPerSec,
      );
      s.push(
        await measure(
          name,
          `service #${r}`,
          setup,
          service.url,
          [service.api, ...service.workers],
          connections,
          amount,
        ),
      );
    }
    const serviceRps = median(s.map((row) => row.reqPerSec));
    const ratio = round(serviceRps / median(b));
    verdict({
      scenario: name,
      goal: `service ≥ ${goal} × baseline req/s (medians of 3)`,
      value: `${serviceRps} / ${median(b)} = ${ratio}`,
      met: ratio >= goal,
      note: busiest(s.find((row) => row.reqPerSec === serviceRps) ?? s[0]!),
    });
  } finally {
    await service.close();
    await baseline.child.stop();
  }
  if (batchingOffAmount) {
    // Unbatched, one worker is bounded by PROVIDER_CONCURRENCY ÷ latency: fewer requests keep the run short.
    const off = await startService(emulator, { PROVIDER_BATCHING: 'false' });
    try {
      await warmUp(off.url, 100, 100);
      await measure(
        name,
        `service, batching off (${batchingOffAmount} req)`,
        `${setup}, PROVIDER_BATCHING=false`,
        off.url,
        [off.api, ...off.workers],
        connections,
        batchingOffAmount,
      );
    } finally {
      await off.close();
    }
  }
}

async function overhead(emulator: Emulator): Promise<number> {
  const name = '4 overhead';
  const setup =
    'emulator 0 ms, 1 worker on defaults; direct = same Express handler calling the Google client';
  header(name, setup);
  await emulator.set(0);
  const direct = await startDirect(emulator);
  const service = await startService(emulator);
  let directRps = 0;
  try {
    await warmUp(direct.url, 1, 200);
    await warmUp(service.url, 1, 200);
    const d1 = await measure(name, 'direct, 1 conn', setup, direct.url, [direct.child], 1, 300);
    const s1 = await measure(
      name,
      'queue, 1 conn',
      setup,
      service.url,
      [service.api, ...service.workers],
      1,
      300,
    );
    const added = round(s1.p50Ms - d1.p50Ms);
    verdict({
      scenario: name,
      goal: 'queue p50 − direct p50 ≤ 2 ms (1 connection)',
      value: `${s1.p50Ms} − ${d1.p50Ms} = ${added} ms (p99: ${s1.p99Ms} − ${d1.p99Ms} = ${round(s1.p99Ms - d1.p99Ms)} ms)`,
      met: added <= 2,
    });
    await warmUp(direct.url, 100, 500);
    await warmUp(service.url, 100, 500);
    const d100 = await measure(name, 'direct, 100 conn', setup, direct.url, [direct.child], 100, 2000);
    const s100 = await measure(
      name,
      'queue, 100 conn',
      setup,
      service.url,
      [service.api, ...service.workers],
      100,
      2000,
    );
    directRps = d100.reqPerSec;
    const ratio = round(s100.reqPerSec / d100.reqPerSec);
    verdict({
      scenario: name,
      goal: 'queue req/s ≥ 1.0 × direct req/s (100 connections)',
      value: `${s100.reqPerSec} / ${d100.reqPerSec} = ${ratio}`,
      met: ratio >= 1,
      note: `queue ${busiest(s100)}; direct ${busiest(d100)}`,
    });
  } finally {
    await service.close();
    await direct.child.stop();
  }
  return directRps;
}

async function cache(emulator: Emulator, directRps: number): Promise<void> {
  const name = '5 cache';
  const setup = 'emulator 0 ms, 1 worker on defaults, the same 100 texts, 3000 req @ 100 conn';
  header(name, setup);
  await emulator.set(0);
  const service = await startService(emulator);
  try {
    const tag = `${RUN_ID}-cache`;
    const text = (i: number) => `bench ${tag} repeated ${i % 100}`;
    const row = await measure(
      name,
      'queue + cache',
      setup,
      service.url,
      [service.api, ...service.workers],
      100,
      3000,
      text,
    );
    const { segments } = await emulator.segments();
    verdict({
      scenario: name,
      goal: 'cache-hit req/s ≥ direct req/s (scenario 4, 100 conn)',
      value: `${row.reqPerSec} vs ${directRps}`,
      met: row.reqPerSec >= directRps,
      note: busiest(row),
    });
    verdict({
      scenario: name,
      goal: 'provider segments = 100',
      value: String(segments),
      met: segments === 100,
    });
  } finally {
    await service.close();
  }
}

async function scaleOut(emulator: Emulator): Promise<void> {
  const name = '6 scale-out';
  const setup =
    'emulator 180 ms, PROVIDER_BATCHING=false, WORKER_CONCURRENCY=10, 200 req per worker @ 100 conn';
  header(name, setup);
  await emulator.set(180);
  const rps: Record<number, number> = {};
  for (const n of [1, 2, 4]) {
    const service = await startService(emulator, { PROVIDER_BATCHING: 'false', WORKER_CONCURRENCY: '10' }, n);
    try {
      await warmUp(service.url, 40, 40);
      const row = await measure(
        name,
        `${n} worker${n > 1 ? 's' : ''}`,
        setup,
        service.url,
        [service.api, ...service.workers],
        100,
        200 * n,
      );
      rps[n] = row.reqPerSec;
    } finally {
      await service.close();
    }
  }
  const ratio = round(rps[4]! / rps[1]!);
  verdict({
    scenario: name,
    goal: '4 workers ≥ 3.5 × 1 worker',
    value: `${rps[4]} / ${rps[1]} = ${ratio} (2 workers: ${rps[2]})`,
    met: ratio >= 3.5,
  });
}

async function memory(emulator: Emulator): Promise<void> {
  const name = '7 memory';
  const setup = 'emulator 3000 ms, 1 worker WORKER_CONCURRENCY=5000, 5000 concurrent waiting requests';
  header(name, setup);
  await emulator.set(3000);
  // The worker's goal is about 5,000 jobs in flight: the API makes one job per request here
  // (packing off on the API only; the worker still batches its provider calls).
  const perRequest = await startService(emulator, { WORKER_CONCURRENCY: '5000' }, 1, {
    PROVIDER_BATCHING: 'false',
  });
  let api = 0;
  let worker = 0;
  try {
    const row = await measure(
      name,
      '5000 waiting, one job each',
      `${setup}, API PROVIDER_BATCHING=false`,
      perRequest.url,
      [perRequest.api, ...perRequest.workers],
      5000,
      5000,
    );
    api = row.rssMb.api ?? 0;
    worker = row.rssMb.worker ?? 0;
  } finally {
    await perRequest.close();
  }
  // On defaults the API packs the same requests into about 40 jobs.
  const packed = await startService(emulator, { WORKER_CONCURRENCY: '5000' });
  let packedApi = 0;
  try {
    const row = await measure(
      name,
      '5000 waiting, packed (defaults)',
      setup,
      packed.url,
      [packed.api, ...packed.workers],
      5000,
      5000,
    );
    packedApi = row.rssMb.api ?? 0;
  } finally {
    await packed.close();
  }
  const apiPeak = Math.max(api, packedApi);
  verdict({
    scenario: name,
    goal: 'API peak RSS ≤ 200 MB',
    value: `${apiPeak} MB (one job each: ${api}, packed: ${packedApi})`,
    met: apiPeak > 0 && apiPeak <= 200,
  });
  verdict({
    scenario: name,
    goal: 'worker peak RSS ≤ 150 MB (5000 jobs in flight)',
    value: `${worker} MB`,
    met: worker > 0 && worker <= 150,
  });
}

// ---------------------------------------------------------------- output

function header(name: string, setup: string): void {
  process.stdout.write(`\n== ${name}: ${setup}\n`);
}

const COLUMNS = [
  'path',
  'conn',
  'req',
  'ok',
  'err',
  'total s',
  'req/s',
  'p50 ms',
  'p99 ms',
  'CPU s by process',
  'peak RSS MB',
];

function printRow(row: Row): void {
  const cpu = Object.entries(row.cpu)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const rss = Object.entries(row.rssMb)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(
    `  ${row.path.padEnd(34)} ${String(row.connections).padStart(5)} ${String(row.requests).padStart(6)} ` +
      `${String(row.ok).padStart(6)} ${String(row.errors).padStart(4)} ${String(row.seconds).padStart(7)} ` +
      `${String(row.reqPerSec).padStart(8)} ` +
      `${String(row.p50Ms).padStart(7)} ${String(row.p99Ms).padStart(7)}  ${cpu} | ${rss}\n`,
  );
}

function markdownTable(): string {
  const lines = [
    `| scenario | ${COLUMNS.join(' | ')} |`,
    `| ${['---', ...COLUMNS.map(() => '---')].join(' | ')} |`,
  ];
  for (const r of rows) {
    const cpu = Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const rss = Object.entries(r.rssMb)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `| ${r.scenario} | ${r.path} | ${r.connections} | ${r.requests} | ${r.ok} | ${r.errors} | ${r.seconds} | ${r.reqPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${cpu} | ${rss} |`,
    );
  }
  lines.push('', '| scenario | goal | measured | met |', '| --- | --- | --- | --- |');
  for (const v of verdicts) {
    lines.push(
      `| ${v.scenario} | ${v.goal} | ${v.value}${v.note ? ` (${v.note})` : ''} | ${v.met ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = new Date();
  process.stdout.write(
    `bench ${RUN_ID}: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; Redis ${REDIS_URL.replace(/\/\/.*@/, '//***@')}, prefix ${PREFIX}\n` +
      `columns: ${COLUMNS.join(' | ')}\n`,
  );
  const emulator = await startEmulator();
  let failed: unknown;
  // BENCH_ONLY=1,4 runs only those scenarios (the cache scenario compares with scenario 4's direct path).
  const only = process.env.BENCH_ONLY?.split(',').map((n) => n.trim());
  const wanted = (n: number) => !only || only.includes(String(n));
  try {
    if (wanted(1)) await seed(emulator);
    if (wanted(2)) await atScale(emulator, '2 seed at scale', 200, 1000, 0.8);
    if (wanted(3)) await atScale(emulator, '3 overload', 1000, 10_000, 0.5, 1000);
    const directRps = wanted(4) || wanted(5) ? await overhead(emulator) : 0;
    if (wanted(5)) await cache(emulator, directRps);
    if (wanted(6)) await scaleOut(emulator);
    if (wanted(7)) await memory(emulator);
  } catch (err) {
    failed = err;
  } finally {
    await stopAllChildren();
    await deleteKeysWithPrefix(redis, PREFIX);
    redis.disconnect();
  }
  const table = markdownTable();
  process.stdout.write(`\n${table}\n`);
  const results = {
    id: RUN_ID,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    machine: { cores: cpus().length, loadAverageAtEnd: loadavg() },
    rows,
    verdicts,
    table,
    ...(failed ? { error: String(failed) } : {}),
  };
  const dir = path.join(DIST, '..', 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  await writeFile(path.join(dir, `run-${stamp}.json`), JSON.stringify(results, null, 2));
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2));
  process.stdout.write(`results: bench/results/run-${stamp}.json\n`);
  if (failed) {
    process.stderr.write(`bench failed: ${failed instanceof Error ? failed.stack : String(failed)}\n`);
    process.exitCode = 1;
  }
}

process.on('SIGINT', () => {
  void stopAllChildren().then(() => process.exit(130));
});

await main();
