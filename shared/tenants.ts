/**
 * Tenants: every API key is a tenant, the owner of what its requests create (job items, batches,
 * cache entries in the `tenant` cache scope). Keys come from `API_KEYS` (a comma list; each key is
 * a tenant named `key-<first 8 hex of its SHA-256>`) and from `API_KEYS_FILE` (JSON or YAML: a
 * name, the secret's digest, limits, a fair-share weight and a webhook secret per key). Pure:
 * shared/config.ts reads the setting and the file once at start and hands the text here.
 *
 * Without any key the service runs in open mode: every request is the one tenant {@link OPEN_TENANT}.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { webhookSecretProblem } from './webhook-secret.js';

/** Per-key limits; absent (or 0): only the deployment's settings apply to the key. */
export interface TenantLimits {
  /** Requests per minute of this key (429 rate_limited); replaces RATE_LIMIT_PER_MIN for it. @default RATE_LIMIT_PER_MIN */
  requests_per_min?: number;
  /** Characters per UTC day of this key (429 budget_exhausted); DAILY_CHAR_BUDGET applies as well. @default none */
  chars_per_day?: number;
  /** Most items in one batch of this key (413 batch_too_large); never above MAX_BATCH_ITEMS. @default MAX_BATCH_ITEMS */
  max_batch_items?: number;
}

export interface Tenant {
  /** Unique; names the tenant in ownership records, cache keys, usage and metrics. */
  name: string;
  /** Lower-case hex SHA-256 of the key; empty for the open tenant (it has no key). */
  digest: string;
  limits: TenantLimits;
  /** Share of batch capacity relative to other tenants. @default 1 */
  weight: number;
  /** Secret signing this tenant's webhooks; absent: WEBHOOK_SECRET. */
  webhookSecret?: string;
}

/** Open mode's one tenant. Its name is reserved: no key may take it. */
export const OPEN_TENANT: Tenant = Object.freeze({ name: 'open', digest: '', limits: {}, weight: 1 });

const DIGEST_PREFIX = /^sha256:/i;
const DIGEST = /^sha256:([0-9a-f]{64})$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Whether `name` has the form of a tenant's name (a configured name, `key-<hex>` or `open`): what
 * may name a tenant in a Redis key or a metric label, when the name comes from stored data.
 */
export function isTenantName(name: string): boolean {
  return NAME.test(name);
}

/** A configuration problem, worded for the operator (never carrying a secret). */
export class TenantConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'TenantConfigError';
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The name of a tenant given by `API_KEYS`: derived from its digest, so it is stable and safe to show. */
export function digestTenantName(digest: string): string {
  return `key-${digest.slice(0, 8)}`;
}

/**
 * Tenants of `API_KEYS`: plain keys are kept as their digest; an entry `sha256:<64 hex>` is a
 * digest already. An entry that starts with `sha256:` but is not 64 hex digits is refused (a
 * mistyped digest must not quietly become a plain key nobody can present).
 */
export function parseApiKeysSetting(setting: string): Tenant[] {
  const entries = setting
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (entries.length === 0) {
    throw new TenantConfigError([
      'API_KEYS: is set but names no key (an empty list would turn authentication off)',
    ]);
  }
  const problems: string[] = [];
  const tenants = entries.flatMap((entry, i): Tenant[] => {
    if (DIGEST_PREFIX.test(entry)) {
      const digest = DIGEST.exec(entry)?.[1];
      if (!digest) {
        problems.push(`API_KEYS: entry ${i + 1} is a malformed digest (expected sha256:<64 hex digits>)`);
        return [];
      }
      return [keyTenant(digest.toLowerCase())];
    }
    return [keyTenant(sha256Hex(entry))];
  });
  if (problems.length > 0) throw new TenantConfigError(problems);
  return tenants;
}

function keyTenant(digest: string): Tenant {
  return { name: digestTenantName(digest), digest, limits: {}, weight: 1 };
}

const limit = z.number().int().min(0);

const fileKey = z.strictObject({
  name: z.string().regex(NAME, 'must be 1 to 64 letters, digits, _ . - (starting with a letter or digit)'),
  secret: z.string().regex(DIGEST, 'must be a digest: sha256:<64 hex digits>'),
  limits: z
    .strictObject({
      requests_per_min: limit.optional(),
      chars_per_day: limit.optional(),
      max_batch_items: limit.min(1).optional(),
    })
    .default({}),
  weight: z.number().int().min(1).max(1000).default(1),
  // whsec_ only: per-key secrets are new, they never had the deprecated plain form.
  webhook_secret: z
    .string()
    .superRefine((secret, ctx) => {
      const problem = webhookSecretProblem(secret, false);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

const keysFile = z.strictObject({ keys: z.array(fileKey) });

/**
 * Tenants of `API_KEYS_FILE`, given its text: `{"keys": [{"name", "secret": "sha256:<hex>",
 * "limits": {...}, "weight", "webhook_secret"}]}`, in JSON or the same in YAML.
 */
export function parseApiKeysFile(text: string): Tenant[] {
  const parsed = keysFile.safeParse(parseKeysFileText(text));
  if (!parsed.success) {
    throw new TenantConfigError(
      parsed.error.issues.map((issue) => {
        // Paths name the entry, never its value: a secret is never echoed.
        const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
        return `API_KEYS_FILE${path}: ${issue.message}`;
      }),
    );
  }
  if (parsed.data.keys.length === 0) throw new TenantConfigError(['API_KEYS_FILE: names no key']);
  return parsed.data.keys.map((key) => ({
    name: key.name,
    digest: DIGEST.exec(key.secret)![1]!.toLowerCase(),
    limits: key.limits,
    weight: key.weight,
    ...(key.webhook_secret ? { webhookSecret: key.webhook_secret } : {}),
  }));
}

/**
 * The file's data: JSON when it parses as JSON, YAML otherwise. The `yaml` package is loaded only
 * then (synchronously: config is read once, at start, before anything else runs), so a JSON file
 * costs no YAML parser in memory. A parse error names its line, never the text there (a secret).
 */
function parseKeysFileText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: YAML, of which JSON is a subset.
  }
  const yaml = createRequire(import.meta.url)('yaml') as typeof Yaml;
  const doc = yaml.parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new TenantConfigError([
      `API_KEYS_FILE: is neither JSON nor valid YAML (${error.code}${line !== undefined ? ` at line ${line}` : ''})`,
    ]);
  }
  return doc.toJS();
}

/**
 * Every configured tenant: those of `API_KEYS`, then those of `API_KEYS_FILE`. Refuses two keys of
 * one name, one key under two names, and the reserved name of open mode. Empty: open mode.
 */
export function parseTenants(sources: { apiKeys?: string | undefined; file?: string | undefined }): Tenant[] {
  const problems: string[] = [];
  const collect = (parse: () => Tenant[]): Tenant[] => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof TenantConfigError) {
        problems.push(...err.problems);
        return [];
      }
      throw err;
    }
  };
  const tenants = [
    ...(sources.apiKeys !== undefined ? collect(() => parseApiKeysSetting(sources.apiKeys!)) : []),
    ...(sources.file !== undefined ? collect(() => parseApiKeysFile(sources.file!)) : []),
  ];
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const tenant of tenants) {
    if (tenant.name === OPEN_TENANT.name) {
      problems.push(`API keys: the name "${OPEN_TENANT.name}" is reserved for open mode`);
    } else if (names.has(tenant.name)) {
      problems.push(`API keys: two keys share the name "${tenant.name}"`);
    } else if (digests.has(tenant.digest)) {
      problems.push(`API keys: the key named "${tenant.name}" is configured twice, under two names`);
    }
    names.add(tenant.name);
    digests.add(tenant.digest);
  }
  if (problems.length > 0) throw new TenantConfigError(problems);
  return tenants;
}

/** Where the service listens is reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
