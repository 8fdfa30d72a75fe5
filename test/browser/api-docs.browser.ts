/**
 * Swagger UI at /docs in a real headless browser: every asset comes from this origin under the
 * API's CSP, and "Try it out" on POST /v1/translate reaches the running API with the API key the
 * Authorize dialog was given. Saves docs/api-docs.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { browser, DOCS_DIR } from './chromium.js';

const API_KEY = 'browser-docs-key';

describe('Swagger UI at /docs in chromium', () => {
  let stack: Stack;
  const chromium = browser();

  beforeAll(async () => {
    stack = await startStack({ env: { API_KEYS: API_KEY } });
  });
  afterAll(async () => {
    await chromium.closeAll();
    await stack?.close();
  });

  it('renders /openapi.json from this origin only, with no CSP violation', async () => {
    const page = await (await chromium.open()).newPage();
    const { foreign, problems } = watch(page, stack.url);
    const response = await page.goto(`${stack.url}/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.info .title').textContent()).toContain('translation-queue');
    // Every operation of the served document is rendered (17 today: translate, job, five batch
    // ones, four glossary ones, languages, detect, usage, health, readiness, metrics).
    const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    const operations = Object.values(doc.paths).flatMap((item) =>
      Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k)),
    );
    expect(operations).toHaveLength(17);
    expect(await page.locator('.opblock').count()).toBe(operations.length);
    await page.locator('.btn.authorize').waitFor();
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(DOCS_DIR, 'api-docs.png'), fullPage: false });
  });

  it('Try it out on POST /v1/translate: 401 without the key, the translation with it', async () => {
    const page = await (await chromium.open()).newPage();
    const { problems } = watch(page, stack.url);
    const sent: (string | undefined)[] = [];
    page.on('request', (req) => {
      if (req.url() === `${stack.url}/v1/translate`) sent.push(req.headers()['authorization']);
    });
    await page.goto(`${stack.url}/docs`);
    const operation = page.locator('.opblock-post', {
      has: page.locator('.opblock-summary-path[data-path="/v1/translate"]'),
    });
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation
      .locator('textarea.body-param__text')
      .fill(JSON.stringify({ src_text: 'Thank you', src_lang: 'en', tgt_lang: 'fr' }));

    await operation.locator('.btn.execute').click();
    const status = (code: string) =>
      operation.locator('.live-responses-table .response-col_status', { hasText: code }).waitFor();
    await status('401');
    expect(await responseBody(operation)).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    });

    await page.locator('.btn.authorize').first().click();
    const dialog = page.locator('.modal-ux');
    const bearer = dialog.locator('.auth-container', { hasText: 'apiKey' }).first();
    await bearer.locator('input').fill(API_KEY);
    await bearer.locator('button.authorize').click();
    await dialog.locator('button.btn-done').first().click();

    await operation.locator('.btn.execute').click();
    await status('200');
    expect(await responseBody(operation)).toEqual({
      job_id: expect.stringMatching(/^[A-Za-z0-9_-]{62}$/),
      src_lang: 'en',
      src_text: 'Thank you',
      tgt_lang: 'fr',
      tgt_text: 'Merci',
    });
    expect(sent).toEqual([undefined, `Bearer ${API_KEY}`]);
    // The refused first try is the only error the browser reports.
    expect(problems).toEqual([
      'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
  });
});

/** Requests to another origin, and console errors (a CSP violation is one), seen on `page`. */
function watch(page: Page, origin: string): { foreign: string[]; problems: string[] } {
  const foreign: string[] = [];
  const problems: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(`${origin}/`) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return { foreign, problems };
}

/** The body Swagger UI shows for the last execution of `operation`. */
async function responseBody(operation: ReturnType<Page['locator']>): Promise<unknown> {
  const text = await operation
    .locator('.live-responses-table .response-col_description pre')
    .first()
    .textContent();
  return JSON.parse(text ?? '');
}
