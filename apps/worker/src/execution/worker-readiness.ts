import { Readiness } from '@meridian/metrics';
import { Injectable, type OnModuleInit } from '@nestjs/common';

import { DatabaseOutage } from './database-outage.js';

/**
 * The worker is not ready while it has paused its intake for a database outage: /readyz reports
 * `intake: down` beside Postgres and Redis, so the outage shows on the pod, not only in the log.
 */
@Injectable()
export class WorkerReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: Readiness,
    private readonly outage: DatabaseOutage,
  ) {}

  onModuleInit(): void {
    this.readiness.add('intake', () => {
      if (this.outage.down) {
        throw new Error('paused for a database outage');
      }
    });
  }
}
