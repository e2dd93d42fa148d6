import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ExecutionQueueGateway } from '@meridian/queue';
import type { NestExpressApplication } from '@nestjs/platform-express';

export const ADMIN_UI_PATH = '/admin/queues';

/**
 * Bull Board, the admin UI of the BullMQ queues, at /admin/queues. It shows dispatch (Redis);
 * the history of record is the REST API's executions and attempts (Postgres).
 */
export function mountBullBoard(app: NestExpressApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_UI_PATH);
  createBullBoard({
    queues: app
      .get(ExecutionQueueGateway)
      .all()
      .map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Meridian queues' } },
  });
  app.use(ADMIN_UI_PATH, serverAdapter.getRouter());
}
