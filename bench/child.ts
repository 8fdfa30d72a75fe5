/**
 * Processes under test run as child processes (compiled JavaScript, like production), so each one's
 * RSS and CPU time can be read on its own from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** dist/ root: this file runs as dist/bench/child.js. */
export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds(): number;
  /** Resident set size now, in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Every child still running, so a failing run can stop them all. */
const running = new Set<Child>();

/**
 * `BENCH_CPU_PROF=dir`: every child runs under V8's CPU profiler and writes
 * `<dir>/<name>-<n>.cpuprofile` when it exits (a graceful stop, not SIGKILL). Read them with
 * `node dist/bench/cpu-profile-summary.js <dir>`. Off by default: the profiler costs CPU.
 */
const cpuProfileDir = process.env.BENCH_CPU_PROF;
let profiled = 0;

function profilerArgs(name: string): string[] {
  if (!cpuProfileDir) return [];
  const file = `${name}-${String(++profiled).padStart(2, '0')}.cpuprofile`;
  return ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`, `--cpu-prof-name=${file}`];
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

/**
 * Starts `node dist/<script> ...args`; resolves once its output contains `ready` (a string), or
 * once `ready` (a probe, e.g. over HTTP) answers true.
 */
export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  ready: string | (() => Promise<boolean>),
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [...profilerArgs(name), ...nodeArgs, path.join(DIST, script), ...args],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let isReady = false;
  const readyPromise = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (typeof ready === 'string' && output.includes(ready)) resolve();
      if (output.length > 100_000) output = output.slice(-50_000);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      if (!isReady) reject(new Error(`${name} exited (${code}) before ready:\n${output.slice(-2000)}`));
    });
    if (typeof ready === 'function') {
      void (async () => {
        while (proc.exitCode === null && !isReady) {
          if (await ready().catch(() => false)) return resolve();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
    }
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  try {
    await readyPromise;
    isReady = true;
  } finally {
    clearTimeout(timer);
  }
  const pid = proc.pid!;
  const child: Child = {
    name,
    proc,
    pid,
    cpuSeconds: () => cpuSeconds(pid),
    rssMb: () => rssMb(pid),
    async stop() {
      running.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      // Writing a CPU profile at exit takes a few seconds more.
      const t = setTimeout(() => proc.kill('SIGKILL'), cpuProfileDir ? 30_000 : 8000);
      await exited;
      clearTimeout(t);
    },
  };
  running.add(child);
  return child;
}

const CLOCK_TICKS = 100;

export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/pid/stat (11 and 12 after the command name).
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Redis server's CPU seconds from INFO (it may run anywhere). */
export function parseRedisCpu(info: string): number {
  const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
  const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
  return Number(user ?? 0) + Number(sys ?? 0);
}
