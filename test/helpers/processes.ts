/**
 * Runs the API, a worker or the emulator as a real child process from the compiled JavaScript in
 * `dist/` (built by test/global-setup.ts), the way `npm run api` / `npm run worker` run them.
 * Every process started here is killed by `killAll()` (call it in afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/local-redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = {
  api: 'dist/api/main.js',
  worker: 'dist/worker/main.js',
  emulator: 'dist/emulator/main.js',
} as const;

export interface ServiceProcess {
  child: ChildProcess;
  /** Output so far (stdout and stderr), for assertions and failure messages. */
  output: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  kill: (signal?: NodeJS.Signals) => void;
}

const running = new Set<ServiceProcess>();

export function startProcess(kind: keyof typeof ENTRY, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', ENTRY[kind]], {
    cwd: ROOT,
    // PATH and HOME only from the parent: the child's settings come from `env`.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const proc: ServiceProcess = {
    child,
    output: () => output,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Starts an API process on a free port and resolves once it is ready. */
export async function startApiProcess(
  env: Record<string, string>,
): Promise<ServiceProcess & { url: string }> {
  const port = await freePort();
  const proc = startProcess('api', { HOST: '127.0.0.1', ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, proc);
  return { ...proc, url };
}

/** Starts a worker process and resolves once it logged that it started. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const proc = startProcess('worker', { ...env, LOG_LEVEL: 'info' });
  await waitFor(async () => proc.output().includes('worker started'), proc);
  return proc;
}

export async function killAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const procs = [...running];
  for (const p of procs) p.kill(signal);
  await Promise.all(procs.map((p) => p.exited));
}

async function waitFor(
  check: () => Promise<boolean>,
  proc: ServiceProcess,
  // Generous: compiling TypeScript at start takes long on a loaded 2-core CI machine.
  timeoutMs = 45_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`process exited early:\n${proc.output()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`process not ready in time:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
