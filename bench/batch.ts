/**
 * Batch benchmark (`npm run bench`, or `node dist/bench/batch.js` after `npm run build`).
 * Runs the emulator (180 ms latency), one API and one worker (batch concurrency 8) from `dist/` as
 * child processes on a queue prefix of their own, then measures:
 *  A. a 10,000-item batch (one target) alone: time to accept, time to complete, provider requests;
 *  B. sync requests (20 connections, autocannon) alone: p50/p99;
 *  C. the same sync load while another 10,000-item batch runs: p50/p99, and that batch's figures.
 * Prints the figures and writes bench/results/batch.json. Goals: accept ≤ 1 s, complete ≤ 3 s,
 * ≤ 100 provider requests, sync p50 grows ≤ 20 % while the batch runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../scripts/local-redis.js';
import { loadConfig } from '../shared/config.js';
import { createRedis, deleteKeysWithPrefix } from '../shared/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)); // dist/bench → repo root
const DIST = fileURLToPath(new URL('..', import.meta.url));
const ITEMS = 10_000;
const LATENCY_MS = 180;
const SYNC_CONNECTIONS = 20;
const SYNC_ALONE_S = 5;

const children: ChildProcess[] = [];

function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [`${DIST}${entry}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') {
      process.stderr.write(`${name} exited (${code ?? signal}):\n${stderr}\n`);
    }
  });
  children.push(child);
  return child;
}

/** CPU time (user + system, ms) a child used so far; Linux /proc only, undefined elsewhere. */
async function cpuMs(child: ChildProcess): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start in time`);
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

interface BatchRun {
  accept_ms: number;
  complete_ms: number;
  provider_requests: number;
  provider_segments: number;
  first_provider_request_ms: number | null;
  last_provider_request_ms: number | null;
  status: string;
  completed: number;
  failed: number;
}

async function runBatch(api: string, emulator: string, tag: string): Promise<BatchRun> {
  await fetch(`${emulator}/__emulator/reset`, { method: 'POST' });
  const body = JSON.stringify({
    src_texts: Array.from({ length: ITEMS }, (_, i) => `${tag} catalogue string number ${i}`),
    tgt_langs: ['ja'],
    src_lang: 'en',
  });
  const t0 = performance.now();
  const t0Epoch = Date.now();
  const accepted = await json<{ batch_id: string; total: number }>(`${api}/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const acceptMs = performance.now() - t0;
  if (accepted.status !== 202)
    throw new Error(`batch not accepted: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  let state: { status: string; completed: number; failed: number };
  for (;;) {
    state = (await json<typeof state>(`${api}/v1/batches/${accepted.body.batch_id}`)).body;
    if (state.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const completeMs = performance.now() - t0;
  // Every provider request since the reset: in run C this includes the sync load's requests.
  const stats = (
    await json<{ requests: number; segments: number; log: { at: number; segments: number }[] }>(
      `${emulator}/__emulator/stats`,
    )
  ).body;
  // When batch requests (several segments) reached the provider, relative to the submission.
  const arrivals = stats.log.filter((e) => e.segments > 1).map((e) => e.at - t0Epoch);
  return {
    accept_ms: Math.round(acceptMs),
    complete_ms: Math.round(completeMs),
    provider_requests: stats.requests,
    provider_segments: stats.segments,
    first_provider_request_ms: arrivals.length ? Math.min(...arrivals) : null,
    last_provider_request_ms: arrivals.length ? Math.max(...arrivals) : null,
    status: state.status,
    completed: state.completed,
    failed: state.failed,
  };
}

function syncLoad(api: string, durationS: number): { result: Promise<autocannon.Result>; stop: () => void } {
  let stop: () => void = () => {};
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${api}/v1/translate`,
        connections: SYNC_CONNECTIONS,
        duration: durationS,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // Distinct texts, so no cache or in-flight dedup turns the load into no work.
        body: JSON.stringify({ src_text: 'interactive [<id>]', tgt_lang: 'fr', src_lang: 'en' }),
        idReplacement: true,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    stop = () => instance.stop();
  });
  return { result, stop };
}

function latency(res: autocannon.Result) {
  return {
    requests: res.requests.total,
    non_2xx: res.non2xx,
    errors: res.errors,
    p50_ms: res.latency.p50,
    p99_ms: res.latency.p99,
    mean_ms: Math.round(res.latency.average),
  };
}

async function main(): Promise<void> {
  const base = loadConfig();
  const prefix = `bench-batch-${randomUUID().slice(0, 8)}`;
  const [emulatorPort, apiPort] = [await freePort(), await freePort()];
  const emulator = `http://127.0.0.1:${emulatorPort}`;
  const api = `http://127.0.0.1:${apiPort}`;
  const common = {
    REDIS_URL: base.REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    GOOGLE_TRANSLATE_API_KEY: 'bench-key',
    GOOGLE_CLOUD_TRANSLATE_ENDPOINT: `${emulator}/language/translate/v2`,
  };
  try {
    start('emulator', 'emulator/main.js', {
      ...common,
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_LATENCY_MS: String(LATENCY_MS),
    });
    const worker = start('worker', 'worker/main.js', { ...common, BATCH_WORKER_CONCURRENCY: '8' });
    const apiProcess = start('api', 'api/main.js', { ...common, PORT: String(apiPort) });
    await waitFor(async () => (await fetch(`${emulator}/__emulator/health`)).ok, 'emulator');
    await waitFor(async () => (await fetch(`${api}/readyz`)).ok, 'api');
    await waitFor(
      async () =>
        (
          await fetch(`${api}/v1/translate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ src_text: 'warm up', tgt_lang: 'en' }),
          })
        ).status === 200,
      'worker',
    );

    process.stdout.write(
      `batch bench: ${ITEMS} items, emulator latency ${LATENCY_MS} ms, one worker, batch concurrency 8\n`,
    );
    const cpuBefore = [await cpuMs(apiProcess), await cpuMs(worker)];
    const alone = await runBatch(api, emulator, 'a');
    const cpuAfter = [await cpuMs(apiProcess), await cpuMs(worker)];
    const cpu = cpuBefore.map((b, i) =>
      b === undefined || cpuAfter[i] === undefined ? null : cpuAfter[i]! - b,
    );
    process.stdout.write(
      `A. batch alone: accepted in ${alone.accept_ms} ms, completed in ${alone.complete_ms} ms, ` +
        `${alone.provider_requests} provider requests (${alone.provider_segments} segments; first sent at ` +
        `${alone.first_provider_request_ms} ms, last at ${alone.last_provider_request_ms} ms), ${alone.status}; ` +
        `CPU used: API ${cpu[0]} ms, worker ${cpu[1]} ms\n`,
    );

    const syncAlone = latency(await syncLoad(api, SYNC_ALONE_S).result);
    process.stdout.write(
      `B. sync alone (${SYNC_CONNECTIONS} connections, ${SYNC_ALONE_S} s): p50 ${syncAlone.p50_ms} ms, p99 ${syncAlone.p99_ms} ms, ${syncAlone.requests} requests\n`,
    );

    const load = syncLoad(api, 30);
    await new Promise((r) => setTimeout(r, 300)); // the sync load is running before the batch arrives
    const during = await runBatch(api, emulator, 'c');
    load.stop();
    const syncDuring = latency(await load.result);
    const growth = (syncDuring.p50_ms / syncAlone.p50_ms - 1) * 100;
    process.stdout.write(
      `C. sync while a batch runs: p50 ${syncDuring.p50_ms} ms, p99 ${syncDuring.p99_ms} ms, ${syncDuring.requests} requests ` +
        `(p50 ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %); that batch: accepted in ${during.accept_ms} ms, ` +
        `completed in ${during.complete_ms} ms (provider requests incl. sync: ${during.provider_requests})\n`,
    );

    const result = {
      scenario: 'batch',
      at: new Date().toISOString(),
      settings: {
        items: ITEMS,
        emulator_latency_ms: LATENCY_MS,
        batch_worker_concurrency: 8,
        sync_connections: SYNC_CONNECTIONS,
      },
      batch_alone: { ...alone, api_cpu_ms: cpu[0], worker_cpu_ms: cpu[1] },
      sync_alone: syncAlone,
      sync_during_batch: { ...syncDuring, p50_growth_pct: Number(growth.toFixed(1)) },
      batch_during_sync: during,
      goals: {
        accept_le_1s: alone.accept_ms <= 1000,
        complete_le_3s: alone.complete_ms <= 3000,
        provider_requests_le_100: alone.provider_requests <= 100,
        sync_p50_growth_le_20pct: growth <= 20,
      },
    };
    await mkdir(`${ROOT}bench/results`, { recursive: true });
    await writeFile(`${ROOT}bench/results/batch.json`, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`goals: ${JSON.stringify(result.goals)}\nwritten: bench/results/batch.json\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    const redis = createRedis(base.REDIS_URL, 'blocking');
    await deleteKeysWithPrefix(redis, prefix).finally(() => redis.disconnect());
  }
}

await main();
