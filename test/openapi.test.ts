/** GET /openapi.json is a valid OpenAPI 3.1 document, Swagger UI at /docs renders it, and real responses match it. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
      env: { METRICS_TOKEN: 'openapi-metrics-token', MAX_BODY_BYTES: '2048', JOB_ATTEMPTS: '1' },
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
        '/v1/usage',
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

    const usage = await getJson(`${stack.url}/v1/usage?from=2026-01-01&to=2026-01-03`);
    expect([usage.status, usage.body.days.length]).toEqual([200, 3]);
    expectDocumented('get', '/v1/usage', usage);
    const badRange = await getJson(`${stack.url}/v1/usage?from=2026-01-03&to=2026-01-01`);
    expect(badRange.status).toBe(400);
    expectDocumented('get', '/v1/usage', badRange);
  });

  it('/docs is Swagger UI served from swagger-ui-dist on this origin, under the CSP', async () => {
    const page = await fetch(`${stack.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // helmet's policy, unchanged: Swagger UI needs no inline script and no other origin.
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    const html = await page.text();
    expect(html).toContain('<script src="/docs/swagger-ui-bundle.js"></script>');
    expect(html).toContain('<script src="/docs/swagger-initializer.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>|<style>/);

    const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    for (const [file, type] of [
      ['swagger-ui-bundle.js', 'javascript'],
      ['swagger-ui.css', 'text/css'],
    ] as const) {
      const asset = await fetch(`${stack.url}/docs/${file}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain(type);
      expect(Buffer.from(await asset.arrayBuffer()).equals(await readFile(join(dist, file)))).toBe(true);
    }
    const init = await fetch(`${stack.url}/docs/swagger-initializer.js`);
    expect(init.headers.get('content-type')).toContain('javascript');
    const script = await init.text();
    expect(script).toContain("url: '/openapi.json'");
    expect(script).toContain('validatorUrl: null');

    // Only the files the page uses: the package's own index.html (the petstore demo) and the rest are not served.
    for (const path of ['index.html', 'package.json', 'swagger-ui-bundle.js.map', '..%2Fpackage.json']) {
      const res = await fetchResult(`${stack.url}/docs/${path}`, {});
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'not_found']);
    }
    const post = await fetchResult(`${stack.url}/docs`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

async function fetchResult(url: string, init: RequestInit): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function lastFailedJobId(stack: Stack): Promise<string | undefined> {
  const [job] = await stack.api.queue.getJobs(['failed'], 0, 0);
  if (job?.id === undefined) return undefined;
  return (await stack.api.itemIds()).seal({ queueJobId: job.id, index: 0, joined: false }, 'open');
}
