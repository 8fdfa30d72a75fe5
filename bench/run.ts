/**
 * `npm run bench`: the scenarios of issues 4, 11 and 12 (fair share), each measured beside what it is compared with in
 * the same run. The processes under test run from `dist/` as child processes (emulator, API,
 * workers, baseline and direct servers), so CPU time and RSS are per process; the load generator is
 * autocannon in this process. Every run uses texts of its own (the cache would answer otherwise),
 * except the cache scenario. Prints a table and writes `bench/results/run-<time>.json` and
 * `bench/results/latest.json`.
 *
 * - `BENCH_ONLY=1,4` runs only those scenarios (5 compares with scenario 4's direct row, so it runs 4 too).
 * - `BENCH_CPU_PROF=dir` profiles every child process (see child.ts).
 * Redis: `REDIS_URL` (default 127.0.0.1:6379), on a prefix of its own that is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../shared/config.js';
import { createRedis, deleteKeysWithPrefix } from '../shared/redis.js';
import { DIST, stopAllChildren } from './child.js';
import type { Bench } from './measure.js';
import { startEmulator } from './processes.js';
import { Report } from './report.js';
import {
  againstDirect,
  overload,
  overloadBatchingOff,
  seed,
  seedAtScale,
} from './scenarios/against-direct.js';
import { cache } from './scenarios/cache.js';
import { fairShare } from './scenarios/fair-share.js';
import { memory } from './scenarios/memory.js';
import { overhead } from './scenarios/overhead.js';
import { placeholders } from './scenarios/placeholders.js';
import { scaleOut } from './scenarios/scale-out.js';

async function runScenarios(bench: Bench, wanted: (n: number) => boolean): Promise<void> {
  if (wanted(1)) await againstDirect(bench, seed);
  if (wanted(2)) await againstDirect(bench, seedAtScale);
  if (wanted(3)) {
    await againstDirect(bench, overload);
    await overloadBatchingOff(bench);
  }
  const directRps = wanted(4) || wanted(5) ? await overhead(bench) : 0;
  if (wanted(5)) await cache(bench, directRps);
  if (wanted(6)) await scaleOut(bench);
  if (wanted(7)) await memory(bench);
  if (wanted(8)) await fairShare(bench);
  if (wanted(9)) await placeholders(bench);
}

async function writeResults(runId: string, report: Report, started: Date, failed: unknown): Promise<string> {
  const table = report.markdown();
  process.stdout.write(`\n${table}\n`);
  const results = {
    id: runId,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    machine: { cores: cpus().length, loadAverageAtEnd: loadavg() },
    rows: report.rows,
    verdicts: report.verdicts,
    table,
    ...(failed ? { error: String(failed) } : {}),
  };
  const dir = path.join(DIST, '..', 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = `run-${started.toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(path.join(dir, file), JSON.stringify(results, null, 2));
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2));
  return `bench/results/${file}`;
}

async function main(): Promise<void> {
  const started = new Date();
  const runId = randomUUID().slice(0, 6);
  const redisUrl = loadConfig().REDIS_URL;
  const prefix = `bench-${runId}`;
  const redis = createRedis(redisUrl, 'blocking');
  const report = new Report();
  const load = loadavg().map((l) => l.toFixed(1));
  process.stdout.write(
    `bench ${runId}: ${cpus().length} cores, load average ${load.join(' ')}; ` +
      `Redis ${redisUrl.replace(/\/\/.*@/, '//***@')}, prefix ${prefix}\n${report.columns()}`,
  );
  const only = process.env.BENCH_ONLY?.split(',').map((n) => n.trim());
  const wanted = (n: number) => !only || only.includes(String(n));
  let failed: unknown;
  try {
    const emulator = await startEmulator();
    await runScenarios({ runId, redisUrl, prefix, redis, emulator, report }, wanted);
  } catch (err) {
    failed = err;
  } finally {
    await stopAllChildren();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
  const file = await writeResults(runId, report, started, failed);
  process.stdout.write(`results: ${file}\n`);
  if (failed) {
    process.stderr.write(`bench failed: ${failed instanceof Error ? failed.stack : String(failed)}\n`);
    process.exitCode = 1;
  }
}

process.on('SIGINT', () => {
  void stopAllChildren().then(() => process.exit(130));
});

await main();
