import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { isOperator } from '@meridian/domain';
import { ExecutionQueueGateway } from '@meridian/queue';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';

import { ApiKeyAuthenticator, presentedKey } from '../auth/api-key.authenticator.js';

export const ADMIN_UI_PATH = '/admin/queues';

/**
 * Bull Board, the admin UI of the BullMQ queues, at /admin/queues. It shows dispatch (Redis);
 * the history of record is the REST API's executions and attempts (Postgres). The queues hold every
 * namespace's jobs, so it takes an admin key of the operators' namespace (`default`): in a browser as
 * the password of HTTP basic authentication (any user name), or as a bearer token.
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
  app.use(ADMIN_UI_PATH, adminOnly(app.get(ApiKeyAuthenticator)), serverAdapter.getRouter());
}

function adminOnly(authenticator: ApiKeyAuthenticator): RequestHandler {
  return (request, response, next) => {
    const key = presentedKey(request.headers) ?? basicPassword(request.headers.authorization);
    const challenge = () =>
      response.status(401).setHeader('WWW-Authenticate', 'Basic realm="Meridian queues", charset="UTF-8"').end();
    if (key === null) {
      challenge();
      return;
    }
    authenticator.authenticate(key).then(
      (principal) => {
        if (principal === null) {
          challenge();
        } else if (!isOperator(principal)) {
          response.status(403).end();
        } else {
          next();
        }
      },
      (error: unknown) => next(error),
    );
  };
}

function basicPassword(authorization: string | undefined): string | null {
  if (authorization === undefined || !/^basic\s+/i.test(authorization)) {
    return null;
  }
  const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}
