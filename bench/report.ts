/**
 * What a bench run records and prints: one row per measured run, one verdict per goal, and the
 * markdown table written with the results.
 */
import type { RunResult } from './load.js';

export interface Row extends RunResult {
  scenario: string;
  path: string;
  setup: string;
  connections: number;
}

export interface Verdict {
  scenario: string;
  goal: string;
  value: string;
  /** Absent for figures printed as information only (e.g. a retired goal): they count for nothing. */
  met?: boolean;
  note?: string;
}

const COLUMNS = [
  'path',
  'conn',
  'req',
  '200',
  'not 200',
  'total s',
  'req/s',
  'p50 ms',
  'p99 ms',
  'CPU s by process',
  'peak RSS MB',
];

const list = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const mark = (v: Verdict) => (v.met === undefined ? 'INFO' : v.met ? 'MET ' : 'MISS');

export class Report {
  readonly rows: Row[] = [];
  readonly verdicts: Verdict[] = [];

  columns(): string {
    return `columns: ${COLUMNS.join(' | ')}\n`;
  }

  header(name: string, setup: string): void {
    process.stdout.write(`\n== ${name}: ${setup}\n`);
  }

  row(row: Row): void {
    this.rows.push(row);
    const others = Object.entries(row.statuses).filter(([code]) => code !== '200');
    const statuses = others.length ? ` (${others.map(([c, n]) => `${n}× ${c}`).join(', ')})` : '';
    process.stdout.write(
      `  ${row.path.padEnd(34)} ${String(row.connections).padStart(5)} ${String(row.requests).padStart(6)} ` +
        `${String(row.ok).padStart(6)} ${String(row.errors).padStart(4)} ${String(row.seconds).padStart(7)} ` +
        `${String(row.reqPerSec).padStart(8)} ` +
        `${String(row.p50Ms).padStart(7)} ${String(row.p99Ms).padStart(7)}  ${list(row.cpu)} | ${list(row.rssMb)}` +
        `${statuses}\n`,
    );
  }

  verdict(v: Verdict): void {
    this.verdicts.push(v);
    process.stdout.write(`  → ${mark(v)} ${v.goal}: ${v.value}${v.note ? ` (${v.note})` : ''}\n`);
  }

  markdown(): string {
    const lines = [
      `| scenario | ${COLUMNS.join(' | ')} |`,
      `| ${['---', ...COLUMNS.map(() => '---')].join(' | ')} |`,
    ];
    for (const r of this.rows) {
      lines.push(
        `| ${r.scenario} | ${r.path} | ${r.connections} | ${r.requests} | ${r.ok} | ${r.errors} | ${r.seconds} | ${r.reqPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${list(r.cpu)} | ${list(r.rssMb)} |`,
      );
    }
    lines.push('', '| scenario | goal | measured | met |', '| --- | --- | --- | --- |');
    for (const v of this.verdicts) {
      const met = v.met === undefined ? 'info' : v.met ? 'yes' : 'no';
      lines.push(`| ${v.scenario} | ${v.goal} | ${v.value}${v.note ? ` (${v.note})` : ''} | ${met} |`);
    }
    return lines.join('\n');
  }
}
