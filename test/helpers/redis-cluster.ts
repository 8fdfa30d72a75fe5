/**
 * A real 3-master Redis Cluster for a test: three `redis-server --cluster-enabled yes` on free
 * ports, joined with `redis-cli --cluster create`. Nothing is kept on disk beyond a temp dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisAnswers } from '../../scripts/local-redis.js';

export interface RedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` */
  url: string;
  ports: number[];
  /** One plain connection per node (for looking at where keys live). */
  node(port: number): Redis;
  stop(): Promise<void>;
}

export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'translation-queue-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const connections: Redis[] = [];
  const stop = async () => {
    for (const c of connections) c.disconnect();
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(
      children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    while (ports.length < size) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '2000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    for (const port of ports) {
      let up = false;
      for (let i = 0; i < 50 && !up; i++) {
        up = await redisAnswers(`redis://127.0.0.1:${port}`, 200);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      if (!up) throw new Error(`cluster node on ${port} did not start`);
    }
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const node = (port: number) => {
      const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      connections.push(redis);
      return redis;
    };
    // Every node must see all slots assigned before clients connect.
    for (const port of ports) {
      const redis = node(port);
      for (let i = 0; ; i++) {
        if ((await redis.cluster('INFO')).includes('cluster_state:ok')) break;
        if (i > 100) throw new Error('cluster did not become ready');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, node, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
