/** Scenario 6: unbatched throughput with 1, 2 and 4 workers (each bounded by its concurrency ÷ latency). */
import { round } from '../load.js';
import { measure, warmUp, type Bench } from '../measure.js';
import { startService } from '../processes.js';

const NAME = '6 scale-out';
const SETUP =
  'emulator 180 ms, PROVIDER_BATCHING=false, WORKER_CONCURRENCY=10, 200 req per worker @ 100 conn';

export async function scaleOut(bench: Bench): Promise<void> {
  bench.report.header(NAME, SETUP);
  await bench.emulator.set(180);
  const rps: Record<number, number> = {};
  for (const n of [1, 2, 4]) {
    const workerEnv = { PROVIDER_BATCHING: 'false', WORKER_CONCURRENCY: '10' };
    const service = await startService(bench, bench.emulator, { workerEnv, workers: n });
    try {
      await warmUp(bench, service, { connections: 40, amount: 40 });
      const where = { scenario: NAME, path: `${n} worker${n > 1 ? 's' : ''}`, setup: SETUP };
      rps[n] = (await measure(bench, where, service, { connections: 100, amount: 200 * n })).reqPerSec;
    } finally {
      await service.close();
    }
  }
  const ratio = round(rps[4]! / rps[1]!);
  bench.report.verdict({
    scenario: NAME,
    goal: '4 workers ≥ 3.5 × 1 worker',
    value: `${rps[4]} / ${rps[1]} = ${ratio} (2 workers: ${rps[2]})`,
    met: ratio >= 3.5,
  });
}
