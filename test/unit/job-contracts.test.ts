import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import {
  batchChunk,
  batchChunkEntry,
  batchChunkJobData,
  batchChunkJobOptions,
  batchChunkJobResult,
  batchChunkJobs,
  parseBatchChunkEntry,
} from '../../shared/jobs/batch-chunk-job.js';
import { batchWebhookJob, batchWebhookJobResult } from '../../shared/jobs/batch-webhook-job.js';
import {
  translateItemResult,
  translateJob,
  translateJobData,
  translateJobOptions,
  translateJobResult,
} from '../../shared/jobs/translate-job.js';

const JOB_ID = '0b6a9c1e-3c1f-4a51-9d0e-4f1e2a3b4c5d';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('translate job contract', () => {
  it('builds a job with its request ids and trace context', () => {
    const data = {
      texts: ['a', 'b'],
      target: 'ja',
      source: 'en',
      format: 'text' as const,
      request_ids: ['r1', 'r2'],
      traceparent: TRACEPARENT,
    };
    expect(translateJob(data, JOB_ID)).toEqual({ name: 'translate', data, opts: { jobId: JOB_ID } });
  });

  it.each([
    ['no texts', { texts: [], target: 'ja', format: 'text' }],
    ['129 texts', { texts: Array(129).fill('x'), target: 'ja', format: 'text' }],
    ['an empty text', { texts: [''], target: 'ja', format: 'text' }],
    ['a bad language', { texts: ['a'], target: 'j', format: 'text' }],
    ['a bad format', { texts: ['a'], target: 'ja', format: 'docx' }],
    ['request ids that are not strings', { texts: ['a'], target: 'ja', format: 'text', request_ids: [1] }],
  ])('refuses %s (API: never added; worker: failed without retry)', (_, data) => {
    expect(translateJobData.safeParse(data).success).toBe(false);
    expect(() => translateJob(data as never, JOB_ID)).toThrow();
  });

  it('results: a translation or an item failure per text', () => {
    expect(translateItemResult.safeParse({ text: 't', detected_source: 'en' }).success).toBe(true);
    expect(
      translateItemResult.safeParse({ error: { code: 'unsupported_language', message: 'm' } }).success,
    ).toBe(true);
    expect(translateItemResult.safeParse({ error: 'unsupported_language' }).success).toBe(false);
    expect(translateJobResult.safeParse({ results: [{ text: 't' }] }).success).toBe(true);
    expect(translateJobResult.safeParse({ results: 'nope' }).success).toBe(false);
  });

  it('options: the queue retries (JOB_ATTEMPTS, JOB_BACKOFF_MS) with jitter', () => {
    const config = loadConfig({ JOB_ATTEMPTS: '4', JOB_BACKOFF_MS: '250' });
    expect(translateJobOptions(config)).toMatchObject({
      attempts: 4,
      backoff: { type: 'exponential', delay: 250, jitter: 0.5 },
    });
  });
});

describe('batch chunk job contract', () => {
  const chunk = {
    batch_id: JOB_ID,
    chunk: 0,
    target: 'fr',
    format: 'html' as const,
    texts: ['a', 'b'],
    indexes: [[0, 2], [1]],
  };

  it('chunk jobs carry no chunk: one empty job per queued chunk', () => {
    expect(batchChunkJobs(2)).toEqual([
      { name: 'chunk', data: {} },
      { name: 'chunk', data: {} },
    ]);
    expect(batchChunkJobData.safeParse({}).success).toBe(true);
    expect(batchChunkJobData.safeParse(chunk).success).toBe(false);
  });

  it('a chunk goes into the fair-share queue as JSON and reads back the same', () => {
    const entry = batchChunkEntry(chunk);
    expect(JSON.parse(entry)).toEqual(chunk);
    expect(parseBatchChunkEntry(entry)).toEqual(chunk);
    expect(parseBatchChunkEntry('{not json')).toBeUndefined();
    expect(parseBatchChunkEntry(JSON.stringify({ ...chunk, texts: [] }))).toBeUndefined();
  });

  it('refuses a chunk whose indexes do not cover every text', () => {
    expect(batchChunk.safeParse({ ...chunk, indexes: [[0]] }).success).toBe(false);
    expect(() => batchChunkEntry({ ...chunk, indexes: [[0]] })).toThrow();
  });

  it('results name what the worker did with the chunk', () => {
    expect(batchChunkJobResult.safeParse({ outcome: 'skip' }).success).toBe(true);
    expect(batchChunkJobResult.safeParse({ outcome: 'idle' }).success).toBe(true);
    expect(batchChunkJobResult.safeParse({ outcome: 'maybe' }).success).toBe(false);
  });

  it('options: completed chunk jobs are removed at once (results live in the batch)', () => {
    expect(batchChunkJobOptions(loadConfig({}))).toMatchObject({ removeOnComplete: true });
  });
});

describe('batch webhook job contract', () => {
  it('one delivery job per batch: a fixed job id', () => {
    expect(batchWebhookJob({ batch_id: JOB_ID, url: 'https://example.com/hook' })).toEqual({
      name: 'webhook',
      data: { batch_id: JOB_ID, url: 'https://example.com/hook' },
      opts: { jobId: `webhook-${JOB_ID}` },
    });
  });

  it('refuses a URL that is not one', () => {
    expect(() => batchWebhookJob({ batch_id: JOB_ID, url: 'not a url' })).toThrow();
  });

  it('results: the receiver status or why nothing was sent', () => {
    expect(batchWebhookJobResult.safeParse({ status: 204 }).success).toBe(true);
    expect(batchWebhookJobResult.safeParse({ skipped: 'batch expired' }).success).toBe(true);
    expect(batchWebhookJobResult.safeParse({}).success).toBe(false);
  });
});
