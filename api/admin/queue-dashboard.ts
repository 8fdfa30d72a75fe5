/**
 * bull-board at /admin/queues: every queue of the service (jobs, their data, results and failures,
 * retry and clean buttons). Mounted only when ADMIN_TOKEN is set, and only behind admin-auth.
 * bull-board is loaded on the first authorized request, so API start-up does not pay for it.
 */
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import { adminAuth } from './admin-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

export function queueDashboard(options: { user: string; token: string; queues: Queue[] }): Router {
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
  router.use(DASHBOARD_PATH, adminAuth(options.user, options.token), async (req, res, next) => {
    board ??= load();
    (await board)(req, res, next);
  });
  return router;
}
