/**
 * Scenario 9 (issue 13): what protecting placeholders costs. Texts that carry placeholders, sent
 * to one service with `"placeholders": "auto"` and without, alternating in the same run, at
 * scenario 2's settings (emulator 180 ms, one worker at concurrency 50, 1,000 requests at 200
 * connections). Without protection the emulator corrupts them as Google does (google-habits.ts);
 * with it they go out as html with `translate="no"` spans and are checked on the way back.
 */
import { round } from '../load.js';
import { busiest, measure, median, notOk, warmUp, type Bench, type Load } from '../measure.js';
import { startService, type Service } from '../processes.js';
import type { Row } from '../report.js';

const NAME = '9 placeholders';
const LATENCY_MS = 180;
const WORKER_ENV = { WORKER_CONCURRENCY: '50' };
const LOAD = { connections: 200, amount: 1000 };
const WARM_UP = 3000;
const RUNS = 5;
/** The verdict: auto ≥ GOAL × none req/s (medians). */
const GOAL = 0.9;
const TGT_LANG = 'ja';

let sent = 0;
/** Every request a text of its own (the cache would answer a repeat), each with four placeholders. */
const placeholderText = (tag: string) => () =>
  `Hello {name}, you have %d new messages in \${folder} (${tag} ${++sent}); see {{link}}.`;

export async function placeholders(bench: Bench): Promise<void> {
  const setup = `emulator ${LATENCY_MS} ms, 1 worker WORKER_CONCURRENCY=50, ${LOAD.amount} req @ ${LOAD.connections} conn, texts with 4 placeholders, ${RUNS} alternating runs after ${WARM_UP} warm-up req each`;
  bench.report.header(NAME, setup);
  await bench.emulator.set(LATENCY_MS);
  const service = await startService(bench, bench.emulator, { workerEnv: WORKER_ENV });
  try {
    const text = placeholderText(`bench ${bench.runId}`);
    const probe = await translateOnce(service, text(), { placeholders: 'auto' });
    if (probe.status !== 200) {
      bench.report.verdict({
        scenario: NAME,
        goal: `auto ≥ ${GOAL} × none req/s`,
        value: `not measured: the API answers "placeholders": "auto" with ${probe.status} ${probe.code}`,
        met: false,
        note: 'the request field is not wired in this build',
      });
      return;
    }
    const none: Load = { ...LOAD, text };
    const auto: Load = { ...LOAD, text, fields: { placeholders: 'auto' } };
    await warmUp(bench, service, { ...none, amount: WARM_UP });
    await warmUp(bench, service, { ...auto, amount: WARM_UP });
    const rows: { none: Row[]; auto: Row[] } = { none: [], auto: [] };
    for (let r = 1; r <= RUNS; r++) {
      rows.none.push(await measure(bench, { scenario: NAME, path: `none #${r}`, setup }, service, none));
      rows.auto.push(await measure(bench, { scenario: NAME, path: `auto #${r}`, setup }, service, auto));
    }
    judge(bench, rows);
    await sample(bench, service, text);
  } finally {
    await service.close();
  }
}

function judge(bench: Bench, rows: { none: Row[]; auto: Row[] }): void {
  const none = median(rows.none.map((r) => r.reqPerSec));
  const auto = median(rows.auto.map((r) => r.reqPerSec));
  const ratio = round(auto / none);
  const failed = notOk(rows.none) + notOk(rows.auto);
  bench.report.verdict({
    scenario: NAME,
    goal: `"placeholders": "auto" ≥ ${GOAL} × none req/s (medians of ${RUNS}), every answer 200`,
    value: `${auto} / ${none} = ${ratio}; not 200: ${failed}`,
    met: ratio >= GOAL && failed === 0,
    note: `auto ${busiest(rows.auto[0]!)}; none ${busiest(rows.none[0]!)}`,
  });
}

/** Information: one answer each way, to show what protection bought. */
async function sample(bench: Bench, service: Service, text: () => string): Promise<void> {
  const plain = await translateOnce(service, text(), {});
  const kept = await translateOnce(service, text(), { placeholders: 'auto' });
  bench.report.verdict({
    scenario: NAME,
    goal: 'information: one translation each way',
    value: `none: ${JSON.stringify(plain.text)}; auto: ${JSON.stringify(kept.text)}`,
  });
}

async function translateOnce(
  service: Service,
  srcText: string,
  fields: Record<string, unknown>,
): Promise<{ status: number; code?: string; text?: string }> {
  const res = await fetch(`${service.url}/v1/translate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ src_text: srcText, tgt_lang: TGT_LANG, src_lang: 'en', ...fields }),
  });
  const body = (await res.json()) as { tgt_text?: string; error?: { code: string } };
  return {
    status: res.status,
    ...(body.error ? { code: body.error.code } : {}),
    ...(body.tgt_text !== undefined ? { text: body.tgt_text } : {}),
  };
}
