/**
 * bull-board at /admin/queues: every queue of the service (jobs, their data, results and failures,
 * retry and clean buttons). Mounted only when ADMIN_TOKEN is set, and only behind admin-auth.
 * bull-board is loaded on the first authorized request, so API start-up does not pay for it.
 */
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { failedAuthLimit } from '../http/failed-auth-limit.js';
import { adminAuth } from './admin-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  /** ADMIN_USER and ADMIN_TOKEN. */
  user: string;
  token: string;
  queues: Queue[];
  /** Where failed logins are counted, shared by every API process (QUEUE_PREFIX on the producer connection). */
  redis: Redis;
  prefix: string;
}

export function queueDashboard(options: QueueDashboardOptions): Router {
  let board: Promise<RequestHandler> | undefined;
  const load = async (): Promise<RequestHandler> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: options.queues.map((q) => new BullMQAdapter(q)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'translation-queue' } },
    });
    return serverAdapter.getRouter() as RequestHandler;
  };
  const router = Router();
  const limit = failedAuthLimit({ redis: options.redis, prefix: options.prefix, guard: 'admin' });
  router.use(
    DASHBOARD_PATH,
    adminAuth({ user: options.user, token: options.token, limit }),
    async (req, res, next) => {
      board ??= load();
      (await board)(req, res, next);
    },
  );
  return router;
}
