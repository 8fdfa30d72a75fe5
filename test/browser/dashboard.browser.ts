/**
 * The bull-board dashboard and the /docs page in a real headless browser (Debian's chromium,
 * driven by playwright-core; no browser download). Saves the screenshots kept under docs/.
 * Run with `npm run test:browser` (CI installs chromium first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, type Stack } from '../helpers/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-admin-token';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs');

describe('dashboard and docs in chromium', () => {
  let stack: Stack;
  let profile: string;
  const contexts: BrowserContext[] = [];
  const open = async (options: { httpCredentials?: { username: string; password: string } } = {}) => {
    // A fresh profile per context: launchPersistentContext owns --user-data-dir.
    const dir = await mkdtemp(join(profile, 'ctx-'));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
      ...options,
    });
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'translation-queue-browser-'));
    stack = await startStack({ env: { ADMIN_TOKEN: TOKEN } });
    // Latin texts last: the newest job is shown first, and Debian's chromium has no CJK font by default.
    for (const text of ['좋은 아침', 'Guten Morgen', 'Hello, world']) {
      const res = await postJson(`${stack.url}/v1/translate`, { src_text: text, tgt_lang: 'fr' });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await stack?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('refuses the dashboard without logging in, or with a wrong password', async () => {
    // The basic-auth challenge goes unanswered: chromium gives up on the page.
    const anonymous = await (await open()).newPage();
    await expect(anonymous.goto(`${stack.url}/admin/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    // Answered wrong: the 401 error body, never the dashboard.
    const wrong = await (
      await open({ httpCredentials: { username: 'admin', password: 'not-the-token' } })
    ).newPage();
    const response = await wrong.goto(`${stack.url}/admin/queues`);
    expect(response?.status()).toBe(401);
    expect(await wrong.textContent('body')).toContain('"code":"unauthorized"');
  });

  it('logs in, shows the translate queue and a completed job', async () => {
    const context = await open({ httpCredentials: { username: 'admin', password: TOKEN } });
    const page = await context.newPage();
    const response = await page.goto(`${stack.url}/admin/queues`);
    expect(response?.status()).toBe(200);
    await page.getByText('translate-batch').first().waitFor();
    await page.goto(`${stack.url}/admin/queues/queue/translate?status=completed`);
    // A completed job card: its data (the texts it carries), its return value (one result per
    // text, folded by the dashboard) and when it finished.
    await page.getByText('"Guten Morgen"').first().waitFor({ timeout: 15_000 });
    await page.getByText('returnValue').first().waitFor();
    await page.getByText('Finished at').first().waitFor();
    expect(await page.locator('a[aria-current="page"]', { hasText: 'COMPLETED' }).textContent()).toBe(
      'COMPLETED3',
    );
    await page.screenshot({ path: join(DOCS_DIR, 'dashboard.png'), fullPage: false });
  });

  it('renders /docs from /openapi.json', async () => {
    const context = await open();
    const page = await context.newPage();
    await page.goto(`${stack.url}/docs`);
    await page.locator('.op').first().waitFor();
    expect(await page.locator('.op').count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('#title').textContent()).toBe('translation-queue 1');
    await page.getByText('/v1/translate', { exact: true }).first().waitFor();
    await page.screenshot({ path: join(DOCS_DIR, 'api-docs.png'), fullPage: false });
  });
});
