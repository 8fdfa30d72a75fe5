/**
 * Deployment files, parsed and checked (no Docker or cluster here): docker-compose.yml (the core
 * requirements and the Prometheus profile) and its emulator override, the Prometheus config and
 * alerts, deploy/k8s.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { apiRegistry } from '../api/metrics.js';
import { ConfigError, loadConfig, providerSettings } from '../shared/config.js';
import { QUEUE_NAMES } from '../shared/queues.js';
import { createRedis } from '../shared/redis.js';
import { workerRegistry } from '../worker/metrics.js';
import { cleanPrefix, REDIS_URL, testPrefix } from './helpers/stack.js';

const root = join(import.meta.dirname, '..');
// Parsed YAML is checked field by field below; typing each manifest would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
// merge: docker-compose.yml shares settings through YAML merge keys (<<: *app).
const read = (path: string): Doc => parse(readFileSync(join(root, path), 'utf8'), { merge: true });

/** Compose's interpolation of `${NAME}`, `${NAME:-default}` and `${NAME-default}` from `shell`. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?:(:?-)([^}]*))?\}/g, (_m, name: string, op?: string, fallback = '') => {
    const set = shell[name];
    if (op === ':-') return set ? set : fallback;
    if (op === '-') return set ?? fallback;
    return set ?? '';
  });
}

/** A service's environment as the container gets it, with `overrides` merged on top (compose -f a -f b). */
function containerEnv(
  service: Doc,
  shell: Record<string, string>,
  overrides: Doc = {},
): Record<string, string> {
  const merged = { ...service.environment, ...overrides.environment } as Record<string, string>;
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, interpolate(String(v), shell)]));
}

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');
  const services = compose.services as Record<string, Doc>;

  it('runs Redis with an append-only file and noeviction, on a volume', () => {
    const command: string[] = services.redis.command;
    const value = (flag: string) => command[command.indexOf(flag) + 1];
    expect(value('--appendonly')).toBe('yes');
    expect(value('--maxmemory-policy')).toBe('noeviction');
    expect(services.redis.volumes.some((v: string) => v.endsWith(':/data'))).toBe(true);
    expect(services.redis.healthcheck.test).toContain('ping');
  });

  it('has the API with a readiness healthcheck, and a scalable worker', () => {
    expect(services.api.command).toEqual(['node', 'dist/api/main.js']);
    expect(services.api.healthcheck.test.join(' ')).toContain('/readyz');
    expect(services.api.depends_on.redis.condition).toBe('service_healthy');
    const worker = services.worker;
    expect(worker.command).toEqual(['node', 'dist/worker/main.js']);
    // `--scale worker=N` needs no fixed name and no published port.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    // Stopping waits longer than the worker's own grace period.
    expect(parseInt(worker.stop_grace_period, 10) * 1000).toBeGreaterThan(
      Number(worker.environment.SHUTDOWN_GRACE_MS),
    );
  });

  it('keeps the emulator and Prometheus behind profiles', () => {
    expect(services.emulator.profiles).toEqual(['emulator']);
    expect(services.prometheus.profiles).toEqual(['monitoring']);
    const mounts: string[] = services.prometheus.volumes;
    for (const file of ['prometheus.yml', 'alerts.yml']) {
      expect(mounts).toContain(`./deploy/prometheus/${file}:/etc/prometheus/${file}:ro`);
    }
  });

  it('every environment variable of the app services is a setting the config accepts', () => {
    for (const name of ['api', 'worker', 'emulator']) {
      const env = Object.fromEntries(
        Object.entries(services[name].environment as Record<string, string>).map(([k, v]) => [
          k,
          String(v).replace(/\$\{[^}]*\}/g, ''),
        ]),
      );
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });

  it('sends a real key only to Google: the emulator endpoint is never a default of the base file', () => {
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/http:\/\/emulator/);
    for (const name of ['api', 'worker']) {
      const env = containerEnv(services[name], { GOOGLE_TRANSLATE_API_KEY: 'a-real-key' });
      const config = loadConfig(env);
      expect([name, config.GOOGLE_TRANSLATE_API_KEY, providerSettings(config)]).toEqual([
        name,
        'a-real-key',
        { key: 'a-real-key' },
      ]);
    }
  });

  it('docker-compose.emulator.yml points the app at the emulator service and blanks the Google credentials', () => {
    const emulatorFile = read('docker-compose.emulator.yml');
    const port = services.emulator.environment.EMULATOR_PORT;
    // Even with a real key in the shell, the emulator never receives it.
    const shell = {
      GOOGLE_TRANSLATE_API_KEY: 'a-real-key',
      GOOGLE_APPLICATION_CREDENTIALS: '/secrets/sa.json',
    };
    for (const name of ['api', 'worker']) {
      const config = loadConfig(containerEnv(services[name], shell, emulatorFile.services[name]));
      expect([name, providerSettings(config)]).toEqual([
        name,
        { key: 'emulator-key', endpoint: `http://emulator:${port}/language/translate/v2` },
      ]);
    }
    expect(Object.keys(emulatorFile.services).sort()).toEqual(['api', 'worker']);
  });

  it('Prometheus scrapes the API port and the worker metrics port of every replica', () => {
    const prometheus = read('deploy/prometheus/prometheus.yml');
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j: Doc) => [j.job_name, j]));
    expect(jobs['translation-api'].static_configs[0].targets).toEqual([
      `api:${services.api.environment.PORT}`,
    ]);
    const dns = jobs['translation-worker'].dns_sd_configs[0];
    expect(dns.names).toEqual(['worker']);
    expect(String(dns.port)).toBe(services.worker.environment.WORKER_METRICS_PORT);
  });
});

describe('Prometheus alerts', () => {
  it('only use metrics the service exports', async () => {
    const names = new Set<string>(['up']);
    for (const registry of [apiRegistry, workerRegistry]) {
      for (const metric of await registry.getMetricsAsJSON()) {
        names.add(metric.name);
        // prom-client types this as a numeric enum, but the JSON holds the name.
        if (String(metric.type) === 'histogram')
          for (const s of ['_bucket', '_count', '_sum']) names.add(metric.name + s);
      }
    }
    const alerts = read('deploy/prometheus/alerts.yml');
    const rules = alerts.groups.flatMap((g: Doc) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(5);
    const functions = new Set(['sum', 'rate', 'by', 'le', 'clamp_min', 'histogram_quantile']);
    for (const rule of rules) {
      const exprNames = String(rule.expr)
        .replace(/\{[^}]*\}/g, '')
        .replace(/\[[^\]]*\]/g, '')
        .match(/[a-z_][a-z0-9_]*/g)!;
      for (const n of exprNames) {
        if (functions.has(n) || /^\d/.test(n) || n === 'e') continue;
        expect(names, `${rule.alert}: ${n}`).toContain(n);
      }
    }
  });
});

describe('deploy/k8s', () => {
  const dir = join(root, 'deploy/k8s');
  const docs: Doc[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()));
  const find = (kind: string, name: string) => {
    const doc = docs.find((d) => d.kind === kind && d.metadata?.name === name);
    expect(doc, `${kind}/${name}`).toBeDefined();
    return doc;
  };
  const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  const configMap = () => find('ConfigMap', 'translation-queue').data as Record<string, string>;

  it('lists every manifest in the kustomization, except the example secret', () => {
    const kustomization = read('deploy/k8s/kustomization.yaml');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((f) => f !== 'secret.example.yaml').sort(),
    );
  });

  it('the API requires API_KEYS from the Secret: the pod does not start without it', () => {
    const [container] = find('Deployment', 'translation-api').spec.template.spec.containers;
    const apiKeys = container.env.find((e: Doc) => e.name === 'API_KEYS');
    expect(apiKeys.valueFrom.secretKeyRef).toEqual({
      name: 'translation-queue',
      key: 'API_KEYS',
      optional: false,
    });
    expect(find('Secret', 'translation-queue').stringData).toHaveProperty('API_KEYS');
  });

  it('the example Secret cannot be deployed as it stands', () => {
    const secret = find('Secret', 'translation-queue').stringData as Record<string, string>;
    // API_KEYS yields no key (a setting the API refuses to start with).
    expect(secret.API_KEYS!.split(',').filter((k) => k.trim() !== '')).toEqual([]);
    // The tokens are too short: API and workers refuse to start, naming the settings, not the values.
    const rest = Object.fromEntries(Object.entries(secret).filter(([name]) => name !== 'API_KEYS'));
    let refusal: unknown;
    try {
      loadConfig({ ...configMap(), ...rest });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
      'METRICS_TOKEN',
      'ADMIN_TOKEN',
    ]);
    expect((refusal as ConfigError).message).not.toContain('replace-me');
  });

  it('the config map holds valid settings with a hash-tagged prefix', () => {
    const config = loadConfig(configMap());
    expect(config.QUEUE_PREFIX).toMatch(/^\{.+\}$/);
    expect(config.WORKER_METRICS_PORT).toBe(9464);
  });

  it('API: probes on /readyz and /healthz, resources, a Service selecting its pods', () => {
    const api = find('Deployment', 'translation-api');
    const pod = api.spec.template;
    expect(matches(api.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const [container] = pod.spec.containers;
    expect(container.command).toEqual(['node', 'dist/api/main.js']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toContainEqual({ name: 'http', containerPort: 3000 });
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      Number(configMap().API_DRAIN_MS) + 4000,
    );
    const service = find('Service', 'translation-api');
    expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  it('worker: metrics port, liveness on it, resources, a grace period longer than SHUTDOWN_GRACE_MS', () => {
    const worker = find('Deployment', 'translation-worker');
    const pod = worker.spec.template;
    const [container] = pod.spec.containers;
    expect(container.command).toEqual(['node', 'dist/worker/main.js']);
    expect(container.ports).toContainEqual({
      name: 'metrics',
      containerPort: Number(configMap().WORKER_METRICS_PORT),
    });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      Number(configMap().SHUTDOWN_GRACE_MS),
    );
    expect(pod.metadata.annotations['prometheus.io/port']).toBe(configMap().WORKER_METRICS_PORT);
  });

  it('PodDisruptionBudgets select the API and worker pods', () => {
    const apiPod = find('Deployment', 'translation-api').spec.template.metadata.labels;
    const workerPod = find('Deployment', 'translation-worker').spec.template.metadata.labels;
    const pdbs = docs.filter((d) => d.kind === 'PodDisruptionBudget');
    expect(pdbs.some((p) => matches(p.spec.selector.matchLabels, apiPod) && p.spec.minAvailable >= 1)).toBe(
      true,
    );
    expect(pdbs.some((p) => matches(p.spec.selector.matchLabels, workerPod))).toBe(true);
  });

  describe('KEDA ScaledObject', () => {
    const prefix = testPrefix();
    afterAll(() => cleanPrefix(`{${prefix}}`));

    it('scales the worker Deployment on the waiting lists BullMQ really writes', async () => {
      const scaled = find('ScaledObject', 'translation-worker');
      expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
      expect(scaled.spec.scaleTargetRef.name).toBe('translation-worker');
      expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      const lists = scaled.spec.triggers.map((t: Doc) => {
        expect(t.type).toBe('redis');
        expect(Number(t.metadata.listLength)).toBeGreaterThan(0);
        return t.metadata.listName as string;
      });
      const configured = configMap().QUEUE_PREFIX;
      expect(lists).toEqual([
        `${configured}:${QUEUE_NAMES.translate}:wait`,
        `${configured}:${QUEUE_NAMES.translateBatch}:wait`,
      ]);

      // The same key pattern under a test prefix: a waiting job is one entry of that list.
      const testPrefixTagged = `{${prefix}}`;
      const redis = createRedis(REDIS_URL, 'blocking');
      const queue = new Queue(QUEUE_NAMES.translate, { connection: redis, prefix: testPrefixTagged });
      try {
        await queue.add('translate', { text: 'x', target: 'de', format: 'text' });
        const key = lists[0]!.replace(configured, testPrefixTagged);
        expect(await redis.type(key)).toBe('list');
        expect(await redis.llen(key)).toBe(1);
      } finally {
        await queue.close();
        redis.disconnect();
      }
    });
  });
});
