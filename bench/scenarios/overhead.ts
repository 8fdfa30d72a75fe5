/**
 * Scenario 4: what the queue adds to one request when the provider answers at once, against the
 * direct server (the same Express handler calling the Google client, no queue).
 */
import { round } from '../load.js';
import { busiest, measure, warmUp, type Bench } from '../measure.js';
import { startDirect, startService, type Target } from '../processes.js';

const NAME = '4 overhead';
const SETUP = 'emulator 0 ms, 1 worker on defaults; direct = same Express handler calling the Google client';

/** Returns the direct server's req/s at 100 connections, the bar scenario 5 compares with. */
export async function overhead(bench: Bench): Promise<number> {
  bench.report.header(NAME, SETUP);
  await bench.emulator.set(0);
  const direct = await startDirect(bench.emulator);
  const service = await startService(bench, bench.emulator);
  try {
    await oneConnection(bench, direct, service);
    return await hundredConnections(bench, direct, service);
  } finally {
    await Promise.all([service.close(), direct.close()]);
  }
}

async function oneConnection(bench: Bench, direct: Target, service: Target): Promise<void> {
  await warmUp(bench, direct, { connections: 1, amount: 200 });
  await warmUp(bench, service, { connections: 1, amount: 200 });
  const load = { connections: 1, amount: 300 };
  const d = await measure(bench, { scenario: NAME, path: 'direct, 1 conn', setup: SETUP }, direct, load);
  const s = await measure(bench, { scenario: NAME, path: 'queue, 1 conn', setup: SETUP }, service, load);
  const added = round(s.p50Ms - d.p50Ms);
  bench.report.verdict({
    scenario: NAME,
    goal: 'queue p50 − direct p50 ≤ 2 ms (1 connection)',
    value: `${s.p50Ms} − ${d.p50Ms} = ${added} ms (p99: ${s.p99Ms} − ${d.p99Ms} = ${round(s.p99Ms - d.p99Ms)} ms)`,
    met: added <= 2,
  });
}

async function hundredConnections(bench: Bench, direct: Target, service: Target): Promise<number> {
  await warmUp(bench, direct, { connections: 100, amount: 500 });
  await warmUp(bench, service, { connections: 100, amount: 500 });
  const load = { connections: 100, amount: 2000 };
  const d = await measure(bench, { scenario: NAME, path: 'direct, 100 conn', setup: SETUP }, direct, load);
  const s = await measure(bench, { scenario: NAME, path: 'queue, 100 conn', setup: SETUP }, service, load);
  const ratio = round(s.reqPerSec / d.reqPerSec);
  bench.report.verdict({
    scenario: NAME,
    goal: 'queue req/s ≥ 1.0 × direct req/s (100 connections)',
    value: `${s.reqPerSec} / ${d.reqPerSec} = ${ratio}`,
    met: ratio >= 1,
    note: `queue ${busiest(s)}; direct ${busiest(d)}`,
  });
  return d.reqPerSec;
}
