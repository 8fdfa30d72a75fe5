/**
 * The bull-board dashboard in a real headless browser (Debian's chromium, driven by playwright-core;
 * no browser download). Saves docs/dashboard.png. Run with `npm run test:browser` (CI installs
 * chromium first).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, type Stack } from '../helpers/stack.js';
import { browser, DOCS_DIR } from './chromium.js';

const TOKEN = 'browser-admin-token';

describe('the queue dashboard in chromium', () => {
  let stack: Stack;
  const chromium = browser();
  const open = chromium.open;

  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_TOKEN: TOKEN } });
    // Latin texts last: the newest job is shown first, and Debian's chromium has no CJK font by default.
    for (const text of ['좋은 아침', 'Guten Morgen', 'Hello, world']) {
      const res = await postJson(`${stack.url}/v1/translate`, { src_text: text, tgt_lang: 'fr' });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await chromium.closeAll();
    await stack?.close();
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
});
