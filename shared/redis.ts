/**
 * Redis connections. Two roles with different failure behaviour (BullMQ's production guide):
 * - `producer` (API): fail fast. Commands are not queued while Redis is away, so a request gets
 *   503 at once instead of hanging.
 * - `blocking` (workers, QueueEvents): `maxRetriesPerRequest: null`, reconnect forever; these
 *   connections must survive a Redis restart by themselves.
 */
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import { RedisKeys } from './redis/keys.js';

export type RedisRole = 'producer' | 'blocking';

export function redisOptions(role: RedisRole): RedisOptions {
  const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2000);
  return role === 'producer'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy }
    : { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy };
}

/**
 * Creates a connection from a URL:
 * - `redis://` or `rediss://` (TLS): one Redis; user and password come from the URL.
 * - `redis+cluster://[user:password@]host1:port1,host2:port2,...` (or `rediss+cluster://`): a Redis
 *   Cluster reached through these seed nodes. Every key of the service lives under QUEUE_PREFIX,
 *   which must carry a hash tag (`{translate}`), so all keys share one slot: multi-key commands,
 *   MULTI and BullMQ's Lua scripts work unchanged.
 *
 * A Cluster answers every command this service sends like a single Redis does, so both are typed
 * as `Redis` here and callers need not care which one they hold.
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const cluster = parseClusterUrl(url);
  if (!cluster) return new Redis(url, { ...redisOptions(role), ...extra });
  const { enableOfflineQueue, retryStrategy, ...nodeOptions } = { ...redisOptions(role), ...extra };
  const client = new Cluster(cluster.nodes, {
    enableOfflineQueue: enableOfflineQueue ?? true,
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    slotsRefreshTimeout: 2000,
    redisOptions: {
      ...nodeOptions,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
  });
  // Deliberate: see the comment above; BullMQ accepts both and detects a Cluster itself.
  return client as unknown as Redis;
}

export interface ClusterUrl {
  nodes: ClusterNode[];
  username?: string;
  password?: string;
  tls: boolean;
}

/** Parses `redis+cluster://` / `rediss+cluster://` URLs; undefined for any other URL. */
export function parseClusterUrl(url: string): ClusterUrl | undefined {
  const match = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/.exec(url);
  if (!match) return undefined;
  const [, scheme, auth, hosts] = match;
  const nodes = hosts!.split(',').map((hostPort) => {
    const parsed = new URL(`redis://${hostPort.trim()}`);
    return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : 6379 };
  });
  const result: ClusterUrl = { nodes, tls: scheme === 'rediss' };
  if (auth) {
    const colon = auth.indexOf(':');
    const user = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
    const password = colon < 0 ? '' : decodeURIComponent(auth.slice(colon + 1));
    if (user) result.username = user;
    if (password) result.password = password;
  }
  return result;
}

/** Deletes every key under a BullMQ prefix (tests and benchmarks clean up after themselves). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  // On a Cluster, SCAN sees one node only: scan every master.
  const cluster = redis as unknown as Partial<Cluster> & { isCluster?: boolean };
  const nodes = cluster.isCluster && cluster.nodes ? cluster.nodes('master') : [redis];
  let deleted = 0;
  const pattern = new RedisKeys(prefix).allPattern();
  for (const node of nodes) deleted += await deleteOnNode(node, pattern);
  return deleted;
}

async function deleteOnNode(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
