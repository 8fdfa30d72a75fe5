/**
 * A `redis-server` owned by a test or the chaos run: its own port and data directory, append-only
 * file on, so it can be stopped and started again with its data (a Redis restart), or protected by
 * a password. Never used for the shared development Redis.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisAnswers } from './local-redis.js';

export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:port`, or `rediss://` with `tls`. */
  url: string;
  /** With `tls`: the CA that signed the server certificate (e.g. for NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  port: number;
  /** Clean shutdown (SIGTERM: the append-only file is flushed). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

export async function startRedisServer(
  options: { password?: string; tls?: boolean } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-owned-'));
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const url = `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`;
  const tls = options.tls ? makeCertificates(dir) : undefined;
  let child: ChildProcess | undefined;

  const start = async () => {
    const args = [
      ...(tls
        ? ['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no']
        : ['--port', String(port)]),
      ...(tls ? ['--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca] : []),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      // Every write on disk before it is acknowledged: a restart loses nothing accepted.
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      ...(options.password ? ['--requirepass', options.password] : []),
    ];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    child = proc;
    for (let i = 0; i < 100; i++) {
      if (await answers(url, tls?.ca)) return;
      if (proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port}`);
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url,
    port,
    ...(tls ? { caFile: tls.ca } : {}),
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function answers(url: string, caFile: string | undefined): Promise<boolean> {
  return redisAnswers(url, 200, caFile ? { tls: { ca: readFileSync(caFile) } } : {});
}

/** A throw-away CA and a server certificate for 127.0.0.1, made with the openssl CLI. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  run(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '1',
    '-extfile',
    f('ext.cnf'),
  );
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}
