import type { ExecutionDispatch } from '@meridian/domain';
import { NamespaceAdmission } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { NamespaceLimitsService } from './namespace-limits.service.js';

/** How much longer than its timeout a run's namespace lease lasts, should its worker die. */
const LEASE_MARGIN_MS = 60_000;

/**
 * Whether a run may start now. `leased`: it holds a concurrency lease, to be given back through
 * {@link ExecutionAdmission.release} once the attempt ends.
 */
export type AdmissionDecision = { admitted: true; leased: boolean } | { admitted: false; retryInMs: number };

/**
 * Keeps each namespace within its limits (concurrency and runs per minute) across all workers.
 * Should Redis not answer, the run goes ahead: a limit is for fairness, and an outage must not stop
 * every namespace's work.
 */
@Injectable()
export class ExecutionAdmission {
  constructor(
    private readonly admission: NamespaceAdmission,
    private readonly namespaceLimits: NamespaceLimitsService,
    @InjectPinoLogger(ExecutionAdmission.name) private readonly logger: PinoLogger,
  ) {}

  /** Asks for a place within the namespace's limits. */
  async admit(dispatch: ExecutionDispatch): Promise<AdmissionDecision> {
    try {
      const limits = await this.namespaceLimits.of(dispatch.namespace);
      if (limits.maxConcurrency === null && limits.maxRunsPerMinute === null) {
        return { admitted: true, leased: false };
      }
      const leaseMs = dispatch.timeoutMs + LEASE_MARGIN_MS;
      const admission = await this.admission.admit(dispatch.namespace, dispatch.executionId, limits, leaseMs);
      return admission.admitted ? { admitted: true, leased: limits.maxConcurrency !== null } : admission;
    } catch (error) {
      this.logger.warn({ executionId: dispatch.executionId, err: error }, 'namespace limits not checked');
      return { admitted: true, leased: false };
    }
  }

  /** Gives back a run's concurrency lease; one not given back expires by itself. */
  async release(dispatch: ExecutionDispatch): Promise<void> {
    await this.admission.release(dispatch.namespace, dispatch.executionId).catch((error: unknown) => {
      this.logger.warn(
        { executionId: dispatch.executionId, err: error },
        'namespace lease not released; it expires by itself',
      );
    });
  }
}
