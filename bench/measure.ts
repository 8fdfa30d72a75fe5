/**
 * Measuring: one run against a target recorded as a row, warm-ups, and alternating runs whose
 * medians are compared (one run of a second or two is at the mercy of whatever else the machine
 * does; alternating makes that noise hit every contender alike).
 */
import { parseRedisCpu } from './child.js';
import { round, run } from './load.js';
import type { Emulator, RedisPlace, Target } from './processes.js';
import type { Report, Row } from './report.js';

/** What every scenario gets: where Redis keys go, the emulator, and the report to write to. */
export interface Bench extends RedisPlace {
  runId: string;
  emulator: Emulator;
  report: Report;
}

export interface Load {
  connections: number;
  amount: number;
  /** Text of the i-th request. @default texts no earlier run used (the cache would answer them otherwise) */
  text?: (i: number) => string;
  /** More request fields (e.g. `placeholders`). @default none */
  fields?: Record<string, unknown>;
}

let textCounter = 0;

function uniqueTexts(bench: Bench): (i: number) => string {
  const tag = `${bench.runId}-${++textCounter}`;
  return (i) => `bench ${tag} text ${i}`;
}

const redisCpu = (bench: Bench) => async () => parseRedisCpu(await bench.redis.info('cpu'));

export async function measure(
  bench: Bench,
  where: { scenario: string; path: string; setup: string },
  target: Target,
  load: Load,
): Promise<Row> {
  const result = await run({
    url: target.url,
    connections: load.connections,
    amount: load.amount,
    text: load.text ?? uniqueTexts(bench),
    ...(load.fields ? { fields: load.fields } : {}),
    processes: target.processes,
    redisCpu: redisCpu(bench),
  });
  const row: Row = { ...where, connections: load.connections, ...result };
  bench.report.row(row);
  return row;
}

/**
 * Unrecorded load, so the JIT has settled on every code path before the measured runs: on the
 * load's own texts and fields when it has them, so those paths are the warm ones.
 */
export async function warmUp(bench: Bench, target: Target, load: Load): Promise<void> {
  await run({
    url: target.url,
    connections: load.connections,
    amount: load.amount,
    text: load.text ?? uniqueTexts(bench),
    ...(load.fields ? { fields: load.fields } : {}),
    processes: [],
    redisCpu: redisCpu(bench),
  });
}

export interface Contender {
  /** Row label; ` #<run>` is appended. */
  label: string;
  target: Target;
}

/**
 * `runs` rounds of one run per contender, in order (A, B, C, A, B, C...). Returns each
 * contender's rows, in the contenders' order.
 */
export async function alternate(
  bench: Bench,
  where: { scenario: string; setup: string },
  contenders: Contender[],
  load: Load,
  runs: number,
): Promise<Row[][]> {
  const rows: Row[][] = contenders.map(() => []);
  for (let r = 1; r <= runs; r++) {
    for (const [i, c] of contenders.entries()) {
      rows[i]!.push(await measure(bench, { ...where, path: `${c.label} #${r}` }, c.target, load));
    }
  }
  return rows;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median req/s of a contender's rows, and the row closest to it (for its CPU figures). */
export function medianRow(rows: Row[]): { reqPerSec: number; row: Row } {
  const reqPerSec = median(rows.map((r) => r.reqPerSec));
  const row = [...rows].sort(
    (a, b) => Math.abs(a.reqPerSec - reqPerSec) - Math.abs(b.reqPerSec - reqPerSec),
  )[0]!;
  return { reqPerSec, row };
}

/** The process that used the most CPU during a run, as a share of one core. */
export function busiest(row: Row): string {
  const [name, seconds] = Object.entries(row.cpu).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
  return `busiest: ${name} ${round(seconds / row.seconds)} cores`;
}

/** Every request of these rows that did not get 200. */
export function notOk(rows: Row[]): number {
  return rows.reduce((sum, r) => sum + r.errors, 0);
}
