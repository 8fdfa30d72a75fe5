/** pino logs through the real stack: request id and job id on the lines, no texts, no credentials. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.js';
import { eventually, getJson, postJson, startStack, type Stack } from './helpers/stack.js';

/** Collects every JSON line written to it. */
class LineSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  raw = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const text = chunk.toString();
    this.raw += text;
    for (const line of text.split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

describe('logs', () => {
  let stack: Stack;
  const sink = new LineSink();
  beforeAll(async () => {
    stack = await startStack({ env: { LOG_LEVEL: 'info', JOB_ATTEMPTS: '1' }, logDestination: sink });
  });
  afterAll(() => stack?.close());

  it('logs one line per request with the client request id, the route and the job id', async () => {
    const res = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'a very private sentence', tgt_lang: 'de', src_lang: 'en' },
      { 'x-request-id': 'req-logs-1', authorization: 'Bearer very-secret-credential' },
    );
    expect(res.status).toBe(200);
    const line = await eventually(async () => sink.lines.find((l) => l.requestId === 'req-logs-1'));
    expect(line).toMatchObject({
      level: 30,
      name: 'test',
      requestId: 'req-logs-1',
      jobId: res.body.job_id,
      req: { method: 'POST', url: '/v1/translate' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(line.responseTime).toBeTypeOf('number');

    const job = await getJson(`${stack.url}/v1/jobs/${res.body.job_id}`, { 'x-request-id': 'req-logs-2' });
    expect(job.status).toBe(200);
    const jobLine = await eventually(async () => sink.lines.find((l) => l.requestId === 'req-logs-2'));
    expect(jobLine).toMatchObject({ jobId: res.body.job_id, res: { statusCode: 200 } });
  });

  it('makes a request id when the client sends none, the same one it answers with', async () => {
    const res = await fetch(`${stack.url}/healthz`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(async () => sink.lines.find((l) => l.requestId === id));
  });

  it('logs worker failures with the job id, and keeps texts and credentials out of every line', async () => {
    stack.emulator.setOptions({ failNext: { count: 1, kind: '500' } });
    const res = await postJson(
      `${stack.url}/v1/translate`,
      { src_text: 'another private sentence', tgt_lang: 'de', src_lang: 'en' },
      { 'x-request-id': 'req-logs-3' },
    );
    expect(res.status).toBe(502);
    const workerLine = await eventually(async () =>
      sink.lines.find((l) => l.msg === 'provider call failed' && typeof l.jobId === 'string'),
    );
    // The worker's line carries the id of the request that made the job.
    expect(workerLine).toMatchObject({ kind: 'transient', status: 500, requestId: 'req-logs-3' });
    // The error handler's line and the completion line both carry the request id; 5xx at error level.
    const lines = await eventually(async () => {
      const found = sink.lines.filter((l) => l.requestId === 'req-logs-3');
      return found.length >= 2 ? found : undefined;
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 50, code: 'provider_error' }),
        expect.objectContaining({ level: 50, res: { statusCode: 502 }, msg: 'request errored' }),
      ]),
    );
    expect(sink.raw).not.toContain('private sentence');
    expect(sink.raw).not.toContain('very-secret-credential');
    expect(sink.raw).not.toContain('test-key'); // the Google API key of the stack
  });

  it('writes readable lines instead of JSON when asked to (npm start in a terminal)', () => {
    const sinkPretty = new LineSinkRaw();
    const logger = createLogger({ LOG_LEVEL: 'info' }, 'pretty', { pretty: true, destination: sinkPretty });
    logger.info({ jobId: 'j-1' }, 'hello there');
    expect(sinkPretty.raw).toContain('hello there');
    expect(sinkPretty.raw).toContain('jobId');
    expect(sinkPretty.raw).not.toContain('{"level"');
  });
});

class LineSinkRaw extends Writable {
  raw = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw += chunk.toString();
    done();
  }
}
