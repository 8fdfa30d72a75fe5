/**
 * Job outcomes reach their subscribers once, through the real stack: the worker's "job failed for
 * good" line (worker/job-failure-log.ts, subscribed to job:failed) is written once per job that
 * failed for good, never for a retried attempt, even with two workers in one process.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, postJson, startStack, type Stack } from './helpers/stack.js';

class LineSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

describe('job events', () => {
  let stack: Stack;
  const sink = new LineSink();
  const failedForGood = () => sink.lines.filter((l) => l.msg === 'job failed for good');
  beforeAll(async () => {
    stack = await startStack({
      workers: 2,
      env: { LOG_LEVEL: 'info', JOB_ATTEMPTS: '2' },
      logDestination: sink,
    });
  });
  afterAll(() => stack?.close());

  it('logs a job that failed for good once, with its job and request ids and the reason', async () => {
    const res = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'refused', tgt_lang: 'xx', src_lang: 'en' },
      { 'x-request-id': 'req-job-events-1' },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unsupported_language');
    const [line] = await eventually(async () => (failedForGood().length > 0 ? failedForGood() : undefined));
    expect(line).toMatchObject({ level: 40, requestId: 'req-job-events-1' });
    expect(line!.jobId).toBeTypeOf('string');
    expect(line!.reason).toContain('unsupported_language');
    // Both workers' buses are subscribed; only the one that ran the job reports it.
    await new Promise((r) => setTimeout(r, 300));
    expect(failedForGood()).toHaveLength(1);
  });

  it('does not log an attempt that the queue retries and that then succeeds', async () => {
    const before = failedForGood().length;
    stack.emulator.setOptions({ failNext: { count: 1, kind: '500' } });
    const res = await postJson(`${stack.url}/v1/translate`, {
      src_text: `retried ${Math.random()}`,
      tgt_lang: 'de',
      src_lang: 'en',
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(failedForGood()).toHaveLength(before);
  });
});
