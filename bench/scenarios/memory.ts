/**
 * Scenario 7: 5,000 requests waiting at once on a slow provider (3 s), one worker, everything on
 * its defaults (WORKER_CONCURRENCY=1000, and the API packs requests into jobs: about 40 jobs).
 * Peak RSS of the API and the worker, and every request must get 200.
 */
import { measure, type Bench } from '../measure.js';
import { startBaseline, startService, type Target } from '../processes.js';
import type { Row } from '../report.js';

const NAME = '7 memory';
const WAITING = 5000;
const SETUP = `emulator 3000 ms, 1 worker on defaults, ${WAITING} concurrent waiting requests`;
const API_GOAL_MB = 160;
const WORKER_GOAL_MB = 150;

export async function memory(bench: Bench): Promise<void> {
  bench.report.header(NAME, SETUP);
  await bench.emulator.set(3000);
  const row = await waiting(bench, `${WAITING} waiting, defaults`, SETUP, {});
  judge(bench, row);
  // Information only, not on defaults: the API makes one job per request (5,000 jobs, which the
  // worker takes 1,000 at a time), the heaviest case for both processes' job bookkeeping.
  await waiting(bench, `${WAITING} waiting, one job each`, `${SETUP}, API PROVIDER_BATCHING=false`, {
    PROVIDER_BATCHING: 'false',
  });
  // Information only: what V8's own heap sizing costs. The API with API_OPTIMIZE_FOR_SIZE (less
  // memory, about twice the CPU per request: off by default), and the floor any Node server pays
  // for 5,000 open requests: the bare baseline server (no queue, no Express).
  await waiting(bench, `${WAITING} waiting, optimize-for-size`, `${SETUP}, API API_OPTIMIZE_FOR_SIZE=true`, {
    API_OPTIMIZE_FOR_SIZE: 'true',
  });
  await hold(bench, `${WAITING} waiting, bare node server`, 'bare http server (V8 defaults), 3000 ms', () =>
    startBaseline(3000),
  );
}

async function hold(bench: Bench, label: string, setup: string, start: () => Promise<Target>) {
  const target = await start();
  try {
    return await measure(bench, { scenario: NAME, path: label, setup }, target, {
      connections: WAITING,
      amount: WAITING,
    });
  } finally {
    await target.close();
  }
}

function waiting(bench: Bench, label: string, setup: string, apiEnv: Record<string, string>) {
  return hold(bench, label, setup, () => startService(bench, bench.emulator, { apiEnv }));
}

function judge(bench: Bench, row: Row): void {
  const api = row.rssMb.api ?? 0;
  const worker = row.rssMb.worker ?? 0;
  const answered = Object.values(row.statuses).reduce((a, b) => a + b, 0);
  const others = Object.entries(row.statuses)
    .filter(([code]) => code !== '200')
    .map(([code, n]) => `${n}× ${code}`);
  bench.report.verdict({
    scenario: NAME,
    goal: `API peak RSS ≤ ${API_GOAL_MB} MB`,
    value: `${api} MB`,
    met: api > 0 && api <= API_GOAL_MB,
  });
  bench.report.verdict({
    scenario: NAME,
    goal: `worker peak RSS ≤ ${WORKER_GOAL_MB} MB`,
    value: `${worker} MB`,
    met: worker > 0 && worker <= WORKER_GOAL_MB,
  });
  bench.report.verdict({
    scenario: NAME,
    goal: `every one of ${WAITING} requests answered 200`,
    value: `${row.ok} × 200; not 200: ${row.errors} (${[...others, `${row.requests - answered} without an answer`].join(', ')})`,
    met: row.errors === 0,
    note: `longest wait p99 ${row.p99Ms} ms; autocannon's timeout is 60 s`,
  });
}
