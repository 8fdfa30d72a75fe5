/** Requests and responses born with the Express app's prototypes still behave like Express' own. */
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverClasses } from '../api/http/server-classes.js';

describe('server classes', () => {
  const app = express();
  let server: Server;
  let url: string;
  const arrivedAsExpress: boolean[] = [];
  beforeAll(async () => {
    app.use(express.json());
    app.post('/items/:id', (req, res) => {
      res.locals.seen = true;
      res.status(201).json({
        id: req.params.id,
        body: req.body as unknown,
        sameApp: req.app === app,
        nodeTypes: req instanceof IncomingMessage && res instanceof ServerResponse,
        locals: res.locals.seen as unknown,
      });
    });
    server = createServer(serverClasses(app), app);
    // Before Express sees them, the objects already have its prototypes: it has nothing to re-parent.
    server.prependListener('request', (req, res) => {
      arrivedAsExpress.push(
        Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('routes, parses and answers, with the objects Express would have made', async () => {
    const res = await fetch(`${url}/items/42`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      id: '42',
      body: { a: 1 },
      sameApp: true,
      nodeTypes: true,
      locals: true,
    });
    expect(arrivedAsExpress).toEqual([true]);
  });

  it('leaves unknown routes to Express', async () => {
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });
});
