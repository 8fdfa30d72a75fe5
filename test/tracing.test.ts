/** OpenTelemetry spans from the HTTP request through the job to the provider call (TRACING_ENABLED). */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, itemOf, postJson, startStack, type Stack } from './helpers/stack.js';
import { installRecordingTracer } from './helpers/recording-tracer.js';

describe('tracing', () => {
  const recorder = installRecordingTracer();
  let traced: Stack;
  beforeAll(async () => {
    traced = await startStack({ env: { TRACING_ENABLED: 'true', CACHE_TTL_S: '0' } });
  });
  afterAll(async () => {
    await traced?.close();
    recorder.uninstall();
  });

  it('links the HTTP span, the job span and the provider span in one trace', async () => {
    const res = await postJson(
      `${traced.url}/v1/translate`,
      { src_text: 'private words', tgt_lang: 'de', src_lang: 'en' },
      { 'x-request-id': 'trace-req-1' },
    );
    expect(res.status).toBe(200);
    const http = await eventually(async () =>
      recorder.spans.find((s) => s.attributes['http.request.id'] === 'trace-req-1' && s.ended),
    );
    expect(http).toMatchObject({
      name: 'POST /v1/translate',
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/v1/translate', 'http.response.status_code': 200 },
    });
    const { queueJobId } = await itemOf(traced, res.body.job_id);
    const job = recorder.spans.find(
      (s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === queueJobId,
    );
    expect(job).toMatchObject({
      name: 'translate process',
      traceId: http.traceId,
      parentSpanId: http.spanId,
    });
    const provider = recorder.spans.find((s) => s.kind === SpanKind.CLIENT && s.parentSpanId === job!.spanId);
    expect(provider).toMatchObject({
      name: 'provider translate',
      traceId: http.traceId,
      ended: true,
      attributes: { 'translation.segments': 1, 'translation.target': 'de' },
    });
    expect(JSON.stringify(recorder.spans)).not.toContain('private words');
  });

  it('marks failed provider calls and jobs as errors', async () => {
    traced.emulator.setOptions({ failNext: { count: 3, kind: '500' } });
    const res = await postJson(`${traced.url}/v1/translate`, {
      src_text: 'fails',
      tgt_lang: 'de',
      src_lang: 'en',
    });
    expect(res.status).toBe(502);
    const failedProvider = recorder.spans.filter(
      (s) => s.name === 'provider translate' && s.status?.code === 2,
    );
    expect(failedProvider.length).toBeGreaterThanOrEqual(1);
    expect(recorder.spans.some((s) => s.kind === SpanKind.CONSUMER && s.status?.code === 2)).toBe(true);
    const http = await eventually(async () =>
      recorder.spans.find(
        (s) => s.name === 'POST /v1/translate' && s.attributes['http.response.status_code'] === 502,
      ),
    );
    expect(http.status?.code).toBe(2);
  });

  it('creates no spans when tracing is off (the default)', async () => {
    const plain = await startStack();
    try {
      const before = recorder.spans.length;
      expect(
        (await postJson(`${plain.url}/v1/translate`, { src_text: 'untraced', tgt_lang: 'de' })).status,
      ).toBe(200);
      expect(recorder.spans.length).toBe(before);
    } finally {
      await plain.close();
    }
  });
});
