import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyRoutes } from '../../api/http/lazy-routes.js';

let close: (() => void) | undefined;
afterEach(() => close?.());

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('lazyRoutes', () => {
  it('loads on the first matching request only, once, and requests during the load wait for it', async () => {
    let loads = 0;
    const app = express();
    app.use(
      lazyRoutes('/v1/things', async () => {
        loads++;
        await new Promise((r) => setTimeout(r, 20));
        return Router().get('/v1/things/:id', (req, res) => void res.json({ id: req.params.id }));
      }),
    );
    app.get('/other', (_req, res) => void res.json({ other: true }));
    const url = await serve(app);

    expect(await (await fetch(`${url}/other`)).json()).toEqual({ other: true });
    expect(loads).toBe(0);
    const answers = await Promise.all(['a', 'b'].map((id) => fetch(`${url}/V1/Things/${id}`)));
    expect(await Promise.all(answers.map((r) => r.json()))).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(loads).toBe(1);
    // Unmatched paths under the prefix fall through as before (here to Express's 404).
    expect((await fetch(`${url}/v1/thingsx`)).status).toBe(404);
  });

  it('answers a failed load through the error handler and loads again on the next request', async () => {
    let loads = 0;
    const app = express();
    app.use(
      lazyRoutes('/v1/things', async () => {
        if (++loads === 1) throw new Error('load failed');
        return Router().get('/v1/things', (_req, res) => void res.json({ ok: true }));
      }),
    );
    app.use(
      ((_err, _req, res, _next) =>
        void res.status(500).json({ failed: true })) as express.ErrorRequestHandler,
    );
    const url = await serve(app);
    expect((await fetch(`${url}/v1/things`)).status).toBe(500);
    expect(await (await fetch(`${url}/v1/things`)).json()).toEqual({ ok: true });
    expect(loads).toBe(2);
  });
});
