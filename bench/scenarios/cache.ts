/** Scenario 5: the same 100 texts over and over; the cache answers all but the first of each. */
import { busiest, measure, type Bench } from '../measure.js';
import { startService } from '../processes.js';

const NAME = '5 cache';
const SETUP = 'emulator 0 ms, 1 worker on defaults, the same 100 texts, 3000 req @ 100 conn';

/** `directRps`: scenario 4's direct server at 100 connections. */
export async function cache(bench: Bench, directRps: number): Promise<void> {
  bench.report.header(NAME, SETUP);
  await bench.emulator.set(0);
  const service = await startService(bench, bench.emulator);
  try {
    const tag = `${bench.runId}-cache`;
    const text = (i: number) => `bench ${tag} repeated ${i % 100}`;
    const where = { scenario: NAME, path: 'queue + cache', setup: SETUP };
    const row = await measure(bench, where, service, { connections: 100, amount: 3000, text });
    const { segments } = await bench.emulator.segments();
    bench.report.verdict({
      scenario: NAME,
      goal: 'cache-hit req/s ≥ direct req/s (scenario 4, 100 conn)',
      value: `${row.reqPerSec} vs ${directRps}`,
      met: row.reqPerSec >= directRps,
      note: busiest(row),
    });
    bench.report.verdict({
      scenario: NAME,
      goal: 'provider segments = 100',
      value: String(segments),
      met: segments === 100,
    });
  } finally {
    await service.close();
  }
}
