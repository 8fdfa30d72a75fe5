/**
 * Scenario 8 (issue 12, item 6): fair share between keys' batches. Provider 180 ms, one worker on
 * defaults, two keys of weight 1. Key A queues 20,000 items (two batches of 10,000, the largest
 * batch on defaults); key B then sends 100 items. Measured: B's completion time while A's backlog
 * waits, A's items/s alone and with B's batch, and, as information, the same 100 items sent with
 * key A (one key's batches run in order, as every batch did before fair share).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round } from '../load.js';
import { median, type Bench } from '../measure.js';
import { startService, type Service } from '../processes.js';

const NAME = '8 fair share';
const LATENCY_MS = 180;
const BACKLOG_BATCHES = 2;
const BATCH_ITEMS = 10_000;
const SMALL_ITEMS = 100;
const SETUP =
  `emulator ${LATENCY_MS} ms, 1 worker on defaults, keys A and B (weight 1 each): ` +
  `A queues ${BACKLOG_BATCHES} × ${BATCH_ITEMS} items, then B ${SMALL_ITEMS}`;
const SMALL_GOAL_MS = 1000;
const WEIGHT_A = 1;
const WEIGHT_B = 1;
/** Alternating rounds of A alone and A with B, compared by their medians (the machine's noise hits both). */
const ROUNDS = 3;

type Headers = Record<string, string>;

interface Keys {
  a: Headers;
  b: Headers;
}

export async function fairShare(bench: Bench): Promise<void> {
  bench.report.header(NAME, SETUP);
  await bench.emulator.set(LATENCY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'bench-fair-share-'));
  const keyA = randomBytes(24).toString('base64url');
  const keyB = randomBytes(24).toString('base64url');
  const file = join(dir, 'keys.json');
  const digest = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
  writeFileSync(
    file,
    JSON.stringify({
      keys: [
        { name: 'bench-a', secret: digest(keyA), weight: WEIGHT_A },
        { name: 'bench-b', secret: digest(keyB), weight: WEIGHT_B },
      ],
    }),
  );
  // Only the API reads the keys: the weight travels with the queued chunks, not to the worker.
  const service = await startService(bench, bench.emulator, { apiEnv: { API_KEYS_FILE: file } });
  const keys = { a: bearer(keyA), b: bearer(keyB) };
  try {
    await warmUp(service, keys, bench.runId);
    const alone: BacklogRun[] = [];
    const shared: BacklogRun[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      alone.push(await backlogRun(service, keys, `${bench.runId} alone ${r}`));
      shared.push(await backlogRun(service, keys, `${bench.runId} shared ${r}`, keys.b));
      const s = shared.at(-1)!.small!;
      process.stdout.write(
        `  round ${r}: A alone ${alone.at(-1)!.backlogItemsPerS} items/s; with B ${shared.at(-1)!.backlogItemsPerS} ` +
          `items/s, B's batch ${s.ms} ms (A had ${s.backlogQueued} items queued)\n`,
      );
    }
    const sameKey = await backlogRun(service, keys, `${bench.runId} same key`, keys.a);
    judge(bench, alone, shared, sameKey);
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });

interface BacklogRun {
  /** A's items per second, from its first submission to its last item. */
  backlogItemsPerS: number;
  /** The small batch: from its submission to its end; items of A queued when it was sent. */
  small?: { ms: number; backlogQueued: number; status: string };
}

async function backlogRun(
  service: Service,
  keys: Keys,
  tag: string,
  smallKey?: Headers,
): Promise<BacklogRun> {
  const t0 = performance.now();
  // Sent together, so as little of the backlog as possible runs before all of it is queued.
  const backlog = await Promise.all(
    Array.from({ length: BACKLOG_BATCHES }, (_, b) =>
      submit(service, keys.a, texts(`${tag} backlog ${b}`, BATCH_ITEMS)),
    ),
  );
  let small: BacklogRun['small'];
  const smallRun = smallKey
    ? (async () => {
        const sent = performance.now();
        const [id, ...states] = await Promise.all([
          submit(service, smallKey, texts(`${tag} small`, SMALL_ITEMS)),
          ...backlog.map((b) => state(service, b, keys.a)),
        ]);
        const backlogQueued = (states as State[]).reduce((n, s) => n + s.total - s.completed - s.failed, 0);
        const final = await finished(service, id as string, smallKey);
        small = { ms: Math.round(performance.now() - sent), backlogQueued, status: final.status };
      })()
    : Promise.resolve();
  await Promise.all([...backlog.map((id) => finished(service, id, keys.a)), smallRun]);
  const seconds = (performance.now() - t0) / 1000;
  return { backlogItemsPerS: round((BACKLOG_BATCHES * BATCH_ITEMS) / seconds), ...(small ? { small } : {}) };
}

function judge(bench: Bench, alone: BacklogRun[], shared: BacklogRun[], sameKey: BacklogRun): void {
  // The median round of B's batch, and the median throughputs.
  const small = [...shared].sort((x, y) => x.small!.ms - y.small!.ms)[Math.floor(shared.length / 2)]!.small!;
  const aloneRate = median(alone.map((r) => r.backlogItemsPerS));
  const sharedRate = median(shared.map((r) => r.backlogItemsPerS));
  bench.report.verdict({
    scenario: NAME,
    goal: `B's ${SMALL_ITEMS}-item batch completes ≤ ${SMALL_GOAL_MS} ms while A has ${BACKLOG_BATCHES * BATCH_ITEMS} items queued`,
    value: `${small.ms} ms, median of ${shared.length} (${small.status}; A had ${small.backlogQueued} items queued)`,
    met: small.status === 'completed' && small.ms <= SMALL_GOAL_MS,
    note: `every round: ${shared.map((r) => r.small!.ms).join(', ')} ms`,
  });
  // While both wait, B may take its weight's share of the worker; A may lose no more than that.
  const shareB = WEIGHT_B / (WEIGHT_A + WEIGHT_B);
  const drop = 1 - sharedRate / aloneRate;
  bench.report.verdict({
    scenario: NAME,
    goal: `A's items/s with B's batch falls by ≤ B's weight share (${round(shareB * 100)} %)`,
    value:
      `median ${sharedRate} with B vs ${aloneRate} alone ` +
      `(${round(Math.abs(drop) * 100)} % ${drop >= 0 ? 'lower' : 'higher'})`,
    met: drop <= shareB,
  });
  const fifo = sameKey.small!;
  bench.report.verdict({
    scenario: NAME,
    goal: `the same ${SMALL_ITEMS} items sent with key A, behind its own backlog (one key's batches run in order)`,
    value: `${fifo.ms} ms (A had ${fifo.backlogQueued} items queued)`,
  });
}

/**
 * One batch per key first (A's of full size: parsing and storing 10,000 items is the API's
 * heaviest path), so the first measured round meets warm processes like the others.
 */
async function warmUp(service: Service, keys: Keys, runId: string): Promise<void> {
  const ids = await Promise.all([
    submit(service, keys.a, texts(`${runId} warm a`, BATCH_ITEMS)),
    submit(service, keys.b, texts(`${runId} warm b`, SMALL_ITEMS)),
  ]);
  await Promise.all([finished(service, ids[0]!, keys.a), finished(service, ids[1]!, keys.b)]);
}

const texts = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `fair ${tag} item ${i}`);

async function submit(service: Service, headers: Headers, srcTexts: string[]): Promise<string> {
  const res = await fetch(`${service.url}/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ src_texts: srcTexts, tgt_langs: ['ja'], src_lang: 'en' }),
  });
  const body = (await res.json()) as { batch_id?: string };
  if (res.status !== 202 || !body.batch_id) {
    throw new Error(`batch not accepted: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.batch_id;
}

interface State {
  status: string;
  total: number;
  completed: number;
  failed: number;
}

async function state(service: Service, id: string, headers: Headers): Promise<State> {
  const res = await fetch(`${service.url}/v1/batches/${id}`, { headers });
  if (res.status !== 200) throw new Error(`batch ${id}: ${res.status}`);
  return (await res.json()) as State;
}

/** Polls every 20 ms until the batch ends; a batch not done in two minutes is a failed run. */
async function finished(service: Service, id: string, headers: Headers): Promise<State> {
  const end = Date.now() + 120_000;
  for (;;) {
    const s = await state(service, id, headers);
    if (s.status !== 'running') return s;
    if (Date.now() > end) throw new Error(`batch ${id} still running after 2 minutes`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
