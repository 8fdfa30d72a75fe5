/**
 * Reads V8 `.cpuprofile` files (from `BENCH_CPU_PROF=dir`, see child.ts) and prints where each
 * process spent its CPU: self time by package (node_modules package, node: built-in, or the
 * service's own folder), self time by function, inclusive time by function (a function's own
 * time plus everything it called, counted once per sample even when it recurses), and time by the
 * innermost service function on the stack (which of the service's own calls the library and
 * runtime work was done for).
 *
 * `node dist/bench/cpu-profile-summary.js <dir or files...> [--top N]`
 * Percentages are of the busy time: idle samples are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Summary {
  /** Microseconds from the first sample to the end. */
  wallUs: number;
  /** Microseconds in samples other than `(idle)`. */
  busyUs: number;
  byPackage: Map<string, number>;
  selfByFunction: Map<string, number>;
  totalByFunction: Map<string, number>;
  /** Each sample charged to the innermost frame of the service's own code on its stack. */
  byServiceCaller: Map<string, number>;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a frame's code comes from: a package, a node: built-in, or the service's own folder. */
function packageOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && !frame.url) return frame.functionName;
  const url = frame.url;
  if (!url) return '(native or V8 builtin)';
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return `service: ${url.slice(dist + '/dist/'.length).split('/')[0]}/`;
  return url;
}

function functionKey(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && !frame.url) return frame.functionName;
  const name = frame.functionName || '(anonymous)';
  const modules = frame.url.lastIndexOf('/node_modules/');
  const dist = frame.url.lastIndexOf('/dist/');
  const where =
    modules >= 0
      ? frame.url.slice(modules + '/node_modules/'.length)
      : dist >= 0
        ? frame.url.slice(dist + '/dist/'.length)
        : frame.url;
  return where ? `${name} ${where}:${frame.lineNumber + 1}` : name;
}

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

function summarize(profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const summary: Summary = {
    wallUs: 0,
    busyUs: 0,
    byPackage: new Map(),
    selfByFunction: new Map(),
    totalByFunction: new Map(),
    byServiceCaller: new Map(),
  };
  // A sample lasts until the next one (as DevTools counts it); the last one until endTime.
  let at = profile.startTime + (profile.timeDeltas[0] ?? 0);
  const firstAt = at;
  profile.samples.forEach((id, i) => {
    const next = i + 1 < profile.samples.length ? at + profile.timeDeltas[i + 1]! : profile.endTime;
    const us = Math.max(0, next - at);
    at = next;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    summary.busyUs += us;
    add(summary.byPackage, packageOf(node.callFrame), us);
    add(summary.selfByFunction, functionKey(node.callFrame), us);
    const seen = new Set<string>();
    let caller: string | undefined;
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n)!.callFrame;
      const key = functionKey(frame);
      caller ??= packageOf(frame).startsWith('service: ') ? key : undefined;
      if (key !== '(root)' && !seen.has(key)) {
        seen.add(key);
        add(summary.totalByFunction, key, us);
      }
    }
    add(summary.byServiceCaller, caller ?? `(no service frame) ${packageOf(node.callFrame)}`, us);
  });
  summary.wallUs = profile.endTime - firstAt;
  return summary;
}

function top(map: Map<string, number>, busyUs: number, n: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) =>
        `  ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    )
    .join('\n');
}

function print(file: string, s: Summary, n: number): void {
  process.stdout.write(
    `\n### ${path.basename(file)}: busy ${(s.busyUs / 1e6).toFixed(2)} s CPU of ${(s.wallUs / 1e6).toFixed(1)} s profiled\n` +
      `self time by package:\n${top(s.byPackage, s.busyUs, n)}\n` +
      `self time by function:\n${top(s.selfByFunction, s.busyUs, n)}\n` +
      `inclusive time by function:\n${top(s.totalByFunction, s.busyUs, n)}\n` +
      `time by the innermost service function on the stack:\n${top(s.byServiceCaller, s.busyUs, n)}\n`,
  );
}

function profileFiles(args: string[]): string[] {
  return args.flatMap((arg) =>
    statSync(arg).isDirectory()
      ? readdirSync(arg)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .map((f) => path.join(arg, f))
      : [arg],
  );
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const files = profileFiles(positionals);
  if (!files.length) {
    process.stderr.write('usage: cpu-profile-summary <dir or .cpuprofile files...> [--top N]\n');
    process.exitCode = 2;
    return;
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    print(file, summarize(profile), Number(values.top));
  }
}

main();
