/** GET /openapi.json is a valid OpenAPI 3.1 document, /docs renders it, and real responses match it. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, type HttpResult, type Stack } from './helpers/stack.js';
import { responseChecker, type OpenApiDoc } from './helpers/openapi-responses.js';

describe('OpenAPI', () => {
  let stack: Stack;
  let doc: OpenApiDoc;
  let checker: ReturnType<typeof responseChecker>;
  beforeAll(async () => {
    stack = await startStack({
      env: { METRICS_TOKEN: 'openapi-metrics', MAX_BODY_BYTES: '2048', JOB_ATTEMPTS: '1' },
    });
    doc = (await getJson(`${stack.url}/openapi.json`)).body;
    checker = responseChecker(doc);
  });
  afterAll(() => stack?.close());

  const expectDocumented = (method: string, path: string, res: HttpResult) =>
    expect(checker.check(method, path, res.status, res.body, res.headers.get('content-type'))).toEqual([]);

  it('serves a valid OpenAPI 3.1 document built from the route schemas', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/translate',
        '/v1/jobs/{id}',
        '/v1/batches',
        '/healthz',
        '/readyz',
        '/metrics',
      ]),
    );
    // The request schema is the one the route validates with: strict object, limits from config.
    const request = doc.components?.schemas?.TranslateRequest as Record<string, unknown>;
    expect(request).toMatchObject({ additionalProperties: false, required: ['src_text', 'tgt_lang'] });
  });

  it('the checker is strict: wrong bodies and undocumented statuses are reported', () => {
    expect(
      checker.check('post', '/v1/translate', 200, { job_id: 'nope' }, 'application/json').length,
    ).toBeGreaterThan(0);
    expect(checker.check('get', '/v1/jobs/{id}', 418, {}, 'application/json')).toEqual([
      'get /v1/jobs/{id} does not document status 418',
    ]);
    expect(
      checker.check(
        'post',
        '/v1/translate',
        400,
        { error: { code: 'no_such_code', message: 'x' } },
        'application/json',
      ).length,
    ).toBeGreaterThan(0);
  });

  it('real responses of the sync API match the document', async () => {
    const url = `${stack.url}/v1/translate`;
    const ok = await postJson(url, { src_text: '안녕하세요', tgt_lang: 'en' });
    expect(ok.status).toBe(200);
    expectDocumented('post', '/v1/translate', ok);
    expectDocumented('get', '/v1/jobs/{id}', await getJson(`${stack.url}/v1/jobs/${ok.body.job_id}`));

    const later = await postJson(url, { src_text: 'later', tgt_lang: 'de' }, { Prefer: 'respond-async' });
    expect(later.status).toBe(202);
    expectDocumented('post', '/v1/translate', later);
    expectDocumented('get', '/v1/jobs/{id}', await getJson(`${stack.url}/v1/jobs/${later.body.job_id}`));

    const statuses = new Set<number>();
    const bad: [HttpResult, string][] = [
      [await postJson(url, { src_text: '', tgt_lang: 'english!', extra: 1 }), 'post'],
      [await postJson(url, '{"src_text":', {}), 'post'],
      [await postJson(url, { src_text: 'x'.repeat(3000), tgt_lang: 'en' }), 'post'],
      [await postJson(url, { src_text: 'hi', tgt_lang: 'xx', src_lang: 'en' }), 'post'],
      [
        await fetchResult(url, {
          method: 'POST',
          body: 'src_text=hi',
          headers: { 'content-type': 'text/plain' },
        }),
        'post',
      ],
    ];
    for (const [res, method] of bad) {
      statuses.add(res.status);
      expectDocumented(method, '/v1/translate', res);
    }
    expect([...statuses].sort()).toEqual([400, 413, 415]);

    stack.emulator.setOptions({ failNext: { count: 1, kind: '500' } });
    const failed = await postJson(url, { src_text: 'fails', tgt_lang: 'de', src_lang: 'en' });
    expect(failed.status).toBe(502);
    expectDocumented('post', '/v1/translate', failed);
    const failedJob = await getJson(`${stack.url}/v1/jobs/${(await lastFailedJobId(stack))!}`);
    expect(failedJob.body.status).toBe('failed');
    expectDocumented('get', '/v1/jobs/{id}', failedJob);

    const missing = await getJson(`${stack.url}/v1/jobs/00000000-0000-4000-8000-000000000000.0`);
    expect(missing.status).toBe(404);
    expectDocumented('get', '/v1/jobs/{id}', missing);
    const wrongMethod = await fetchResult(url, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    // 405 is documented with the path's one operation.
    expectDocumented('post', '/v1/translate', wrongMethod);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('real responses of health, metrics and batch routes match the document', async () => {
    expectDocumented('get', '/healthz', await getJson(`${stack.url}/healthz`));
    expectDocumented('get', '/readyz', await getJson(`${stack.url}/readyz`));
    const unauthorized = await getJson(`${stack.url}/metrics`);
    expect(unauthorized.status).toBe(401);
    expectDocumented('get', '/metrics', unauthorized);

    const batch = await postJson(`${stack.url}/v1/batches`, {
      src_texts: ['one', 'two'],
      tgt_langs: ['de', 'fr'],
    });
    expect(batch.status).toBe(202);
    expectDocumented('post', '/v1/batches', batch);
    const finished = await postJson(
      `${stack.url}/v1/batches`,
      { items: [{ src_text: 'three', tgt_lang: 'de', ref: 'r-1' }] },
      { Prefer: 'wait=5' },
    );
    expect(finished.status).toBe(200);
    expectDocumented('post', '/v1/batches', finished);
    expectDocumented(
      'get',
      '/v1/batches/{id}',
      await getJson(`${stack.url}/v1/batches/${batch.body.batch_id}`),
    );
    const results = await getJson(`${stack.url}/v1/batches/${batch.body.batch_id}/results?limit=2`);
    expect(results.status).toBe(200);
    expectDocumented('get', '/v1/batches/{id}/results', results);
    const badItems = await postJson(`${stack.url}/v1/batches`, { items: [{ src_text: '', tgt_lang: 'de' }] });
    expect(badItems.status).toBe(400);
    expectDocumented('post', '/v1/batches', badItems);
    const cancelled = await fetchResult(`${stack.url}/v1/batches/${batch.body.batch_id}`, {
      method: 'DELETE',
    });
    expectDocumented('delete', '/v1/batches/{id}', cancelled);
  });

  it('/docs is a page that loads its script from this origin and renders /openapi.json', async () => {
    const page = await fetch(`${stack.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<script src="/docs/docs.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${stack.url}/docs/docs.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain("fetch('/openapi.json')");
  });
});

async function fetchResult(url: string, init: RequestInit): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function lastFailedJobId(stack: Stack): Promise<string | undefined> {
  const [job] = await stack.api.queue.getJobs(['failed'], 0, 0);
  return job?.id === undefined ? undefined : `${job.id}.0`;
}
