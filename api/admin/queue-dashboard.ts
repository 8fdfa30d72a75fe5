/**
 * bull-board at /admin/queues: every queue of the service (jobs, their data, results and failures,
 * retry and clean buttons). Mounted only when ADMIN_TOKEN is set, and only behind admin-auth.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import { adminAuth } from './admin-auth.js';

export const DASHBOARD_PATH = '/admin/queues';

export function queueDashboard(options: { user: string; token: string; queues: Queue[] }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'translation-queue' } },
  });
  const router = Router();
  router.use(DASHBOARD_PATH, adminAuth(options.user, options.token), serverAdapter.getRouter());
  return router;
}
