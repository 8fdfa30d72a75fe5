/**
 * A text the provider refuses keeps its error code on every path: sent alone (the job fails as a
 * whole), packed with good texts of the same shape into one job (the item fails, its job
 * completes), as a batch item, and read back through GET /v1/jobs/{id}. The emulator refuses the
 * text `__emulator_reject__` with Google's 400 "Invalid Value".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_TEXT } from '../emulator/google-api.js';
import { pipelined } from './helpers/pipelined.js';
import {
  eventually,
  getJson,
  itemOf,
  postJson,
  startStack,
  type HttpResult,
  type Stack,
} from './helpers/stack.js';

const REFUSED = {
  error: { code: 'unsupported_language', message: 'The provider does not support this language pair.' },
};

async function finishedJob(stack: Stack, id: string): Promise<HttpResult> {
  return eventually(async () => {
    const res = await getJson(`${stack.url}/v1/jobs/${id}`);
    return res.body?.status === 'completed' || res.body?.status === 'failed' ? res : undefined;
  });
}

describe('a refused text keeps its error code', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { JOB_ATTEMPTS: '2' } });
  });
  afterAll(() => stack?.close());

  const request = (text: string, tgt: string) => ({ src_text: text, tgt_lang: tgt, src_lang: 'en' });

  it('alone: 400 unsupported_language, and the same through GET /v1/jobs/{id}', async () => {
    const res = await postJson(`${stack.url}/v1/translate`, request(REJECT_TEXT, 'de'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(REFUSED);

    const queued = await postJson(`${stack.url}/v1/translate`, request(REJECT_TEXT, 'it'), {
      Prefer: 'respond-async',
    });
    expect(queued.status).toBe(202);
    const job = await finishedJob(stack, queued.body.job_id);
    expect(job.status).toBe(200);
    expect(job.body).toEqual({
      job_id: queued.body.job_id,
      status: 'failed',
      error: REFUSED.error,
      attempts: 1,
      created_at: expect.any(String),
      finished_at: expect.any(String),
    });
  });

  it('packed with good texts of the same shape: the refused request alone gets 400 unsupported_language', async () => {
    const answers = await pipelined(
      stack.url,
      [
        request('packed one', 'fr'),
        request(REJECT_TEXT, 'fr'),
        request('packed two', 'fr'),
        request('packed three', 'fr'),
      ].map((body) => ({ body })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 400, 200, 200]);
    expect(answers[1]!.body).toEqual(REFUSED);
    expect(answers[0]!.body).toMatchObject({ tgt_text: '[fr] packed one' });
    // One job carried all four texts (the good ones are its items 0, 2 and 3).
    const jobs = await Promise.all(
      [answers[0]!, answers[2]!, answers[3]!].map((a) => itemOf(stack, a.body.job_id as string)),
    );
    expect(new Set(jobs.map((j) => j.queueJobId)).size).toBe(1);
    expect(jobs.map((j) => j.index)).toEqual([0, 2, 3]);
  });

  it('packed, then read through GET /v1/jobs/{id}: failed with unsupported_language', async () => {
    const answers = await pipelined(
      stack.url,
      [
        request('polled one', 'es'),
        request('polled two', 'es'),
        request(REJECT_TEXT, 'es'),
        request('polled three', 'es'),
      ].map((body) => ({ body, headers: { Prefer: 'respond-async' } })),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const ids = answers.map((a) => a.body.job_id as string);
    const items = await Promise.all(ids.map((id) => itemOf(stack, id)));
    expect(new Set(items.map((j) => j.queueJobId)).size).toBe(1);
    const refused = await finishedJob(stack, ids[2]!);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({
      job_id: ids[2],
      status: 'failed',
      error: REFUSED.error,
      attempts: 1,
      created_at: expect.any(String),
      finished_at: expect.any(String),
    });
    const good = await finishedJob(stack, ids[3]!);
    expect(good.body).toMatchObject({ status: 'completed', result: { tgt_text: '[es] polled three' } });
  });

  it('as a batch item: failed with unsupported_language, the other items completed', async () => {
    const res = await postJson(
      `${stack.url}/v1/batches`,
      {
        items: [
          { src_text: 'batch one', tgt_lang: 'pt', src_lang: 'en' },
          { src_text: REJECT_TEXT, tgt_lang: 'pt', src_lang: 'en', ref: 'bad' },
          { src_text: 'batch two', tgt_lang: 'pt', src_lang: 'en' },
        ],
      },
      { Prefer: 'wait=10' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed_with_errors', completed: 2, failed: 1 });
    expect(res.body.items[1]).toEqual({
      index: 1,
      ref: 'bad',
      src_text: REJECT_TEXT,
      tgt_lang: 'pt',
      status: 'failed',
      error: REFUSED.error,
    });
  });
});
