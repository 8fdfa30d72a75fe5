/** bull-board at /admin/queues: off without ADMIN_TOKEN, behind it when set (browser test: test/browser/). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, itemOf, postJson, startStack, type Stack } from './helpers/stack.js';

const TOKEN = 'admin-secret-token';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('queue dashboard', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => stack?.close());

  it('is not there without ADMIN_TOKEN', async () => {
    const plain = await startStack({ workers: 0 });
    try {
      const res = await getJson(`${plain.url}/admin/queues`, { authorization: basic('admin', TOKEN) });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    } finally {
      await plain.close();
    }
  });

  it('asks for credentials and refuses wrong ones', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: basic('admin', 'wrong') },
      { authorization: basic('root', TOKEN) },
      { authorization: 'Bearer wrong' },
    ]) {
      const res = await getJson(`${stack.url}/admin/queues`, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: { code: 'unauthorized', message: 'Admin credentials are required.' },
      });
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    // Its API is behind the same guard.
    expect((await getJson(`${stack.url}/admin/queues/api/queues`)).status).toBe(401);
  });

  it('shows every queue and a completed job to basic auth or the bearer token', async () => {
    const done = await postJson(`${stack.url}/v1/translate`, { src_text: 'dashboard', tgt_lang: 'de' });
    expect(done.status).toBe(200);
    const page = await fetch(`${stack.url}/admin/queues`, {
      headers: { authorization: basic('admin', TOKEN) },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await getJson(`${stack.url}/admin/queues/api/queues?activeQueue=translate&status=completed`, {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(api.status).toBe(200);
    const names = api.body.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining(['translate', 'translate-batch', 'batch-webhook']));
    const translate = api.body.queues.find((q: { name: string }) => q.name === 'translate');
    expect(translate.counts.completed).toBeGreaterThanOrEqual(1);
    expect(translate.jobs.map((j: { id: string }) => j.id)).toContain(
      (await itemOf(stack, done.body.job_id)).queueJobId,
    );
  });
});
