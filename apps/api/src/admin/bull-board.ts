import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { MeridianConfig } from '@meridian/config';
import { ExecutionQueueGateway } from '@meridian/queue';
import { CONFIG } from '@meridian/runtime';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { BullBoardGate } from './bull-board.gate.js';

export const ADMIN_UI_PATH = '/admin/queues';

/**
 * Bull Board, the admin UI of the BullMQ queues, at /admin/queues. It shows dispatch (Redis); the
 * history of record is the REST API's executions and attempts (Postgres). The queues hold every
 * namespace's jobs, so it takes an operator key (scope `operator`, namespace `default`): in a browser
 * as the password of HTTP basic authentication (any user name), or as a bearer token (BullBoardGate).
 *
 * It is read-only unless BULL_BOARD_WRITABLE=true: a retry or a removal there changes BullMQ behind
 * Postgres's back (the execution's state and attempts do not follow) and leaves no audit entry. Read-
 * only, the board hides its buttons, and its routes and the gate both refuse every change.
 */
export function mountBullBoard(app: NestExpressApplication): void {
  const config = app.get<MeridianConfig>(CONFIG);
  const writable = config.api.bullBoardWritable;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_UI_PATH);
  createBullBoard({
    queues: app
      .get(ExecutionQueueGateway)
      .all()
      .map((queue) => new BullMQAdapter(queue, { readOnlyMode: !writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Meridian queues' } },
  });
  app.use(ADMIN_UI_PATH, app.get(BullBoardGate).handler(), serverAdapter.getRouter());
}
