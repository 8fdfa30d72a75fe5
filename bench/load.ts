/**
 * One measured run: autocannon POSTs unique texts (or texts from a fixed set) at a URL while the
 * processes under test are sampled for CPU time and peak RSS.
 */
import autocannon from 'autocannon';
import type { Child } from './child.js';

export interface RunOptions {
  url: string;
  connections: number;
  amount: number;
  /** Text of the i-th request: unique per run unless a scenario wants repeats. */
  text: (i: number) => string;
  tgtLang?: string;
  /** More request fields, e.g. `{"placeholders": "auto"}`. @default none */
  fields?: Record<string, unknown>;
  /** Processes whose CPU and RSS are recorded. */
  processes: Child[];
  /** Redis server CPU seconds so far (read through INFO). */
  redisCpu: () => Promise<number>;
}

export interface RunResult {
  requests: number;
  /** Answers with status 200 (a 202 is a wait that ran out: not a success here). */
  ok: number;
  /** Everything else: other statuses, socket errors and timeouts (requests − ok). */
  errors: number;
  /** Answers by status code, e.g. `{ "200": 998, "202": 2 }`. */
  statuses: Record<string, number>;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU seconds during the run, per process (and `redis`, `loadgen` for this process). */
  cpu: Record<string, number>;
  /** Peak RSS during the run, MB. */
  rssMb: Record<string, number>;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const { processes } = options;
  const cpuBefore = processes.map((p) => p.cpuSeconds());
  const redisBefore = await options.redisCpu();
  const selfBefore = process.cpuUsage();
  const rss: Record<string, number> = {};
  const sample = () => {
    for (const p of processes) rss[p.name] = Math.max(rss[p.name] ?? 0, p.rssMb());
  };
  sample();
  const sampler = setInterval(sample, 100);
  let i = 0;
  const tgt = options.tgtLang ?? 'ja';
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.url}/v1/translate`,
        method: 'POST',
        connections: options.connections,
        amount: options.amount,
        timeout: 60,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({
                src_text: options.text(i++),
                tgt_lang: tgt,
                src_lang: 'en',
                ...options.fields,
              }),
            }),
          },
        ],
      },
      (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
    );
    // autocannon ends a run on its 1 s sampling tick; the run's time is until its last answer.
    instance.on('response', () => (lastResponse = performance.now()));
  });
  const seconds = (lastResponse - started) / 1000;
  clearInterval(sampler);
  sample();
  const self = process.cpuUsage(selfBefore);
  const cpu: Record<string, number> = {};
  processes.forEach((p, n) => (cpu[p.name] = round(p.cpuSeconds() - cpuBefore[n]!)));
  cpu.redis = round((await options.redisCpu()) - redisBefore);
  cpu.loadgen = round((self.user + self.system) / 1e6);
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
  );
  const ok = statuses['200'] ?? 0;
  return {
    requests: options.amount,
    ok,
    errors: options.amount - ok,
    statuses,
    seconds: round(seconds),
    reqPerSec: round(ok / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpu,
    rssMb: Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, Math.round(v)])),
  };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
