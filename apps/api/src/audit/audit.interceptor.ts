import type { Principal } from '@meridian/domain';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';

import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { toJobView } from '../jobs/dto/job.view.js';
import { JobsService } from '../jobs/jobs.service.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import { AuditWriter } from './audit-writer.js';
import { AUDITED, type AuditedRoute } from './audited.decorator.js';

/** Fields never written to the audit log: the key shown once, the webhook secret. */
const SECRETS = new Set(['key', 'secret']);

/**
 * Writes an audit entry after each successful call of an @Audited route: who (the key), what
 * (action and target), when, and the target before and after (a change's "before" is read just
 * before the route runs). Replayed creates change nothing and are not recorded. Entries are written
 * by the AuditWriter, in batches, after the change is committed.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditWriter,
    private readonly jobs: JobsService,
    private readonly workflows: WorkflowsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (route === undefined) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.around(route, request, response, next));
  }

  private async around(
    route: AuditedRoute,
    request: AuthenticatedRequest,
    response: Response,
    next: CallHandler,
  ): Promise<unknown> {
    const principal = request.principal as Principal;
    const param = request.params.id ?? request.params.name;
    const id = typeof param === 'string' ? param : undefined;
    const before = id === undefined ? null : await this.current(route, principal.namespace, id);
    const result = await lastValueFrom(next.handle() as Observable<unknown>, { defaultValue: undefined });
    const dryRun = (request.body as { dryRun?: unknown } | undefined)?.dryRun === true;
    if (response.getHeader('Idempotent-Replayed') !== undefined || dryRun) {
      return result;
    }
    const targetId = id ?? (result as { id?: string } | undefined)?.id ?? principal.namespace;
    this.audit.record({
      namespace: principal.namespace,
      actor: { keyId: principal.keyId, name: principal.keyName },
      action: route.action,
      target: { type: route.target, id: targetId },
      before: redact(before),
      after: redact(route.after === undefined ? (result ?? null) : route.after(result)),
    });
    return result;
  }

  /** The target as the API shows it, before the change; null when it cannot be read. */
  private async current(route: AuditedRoute, namespace: string, id: string): Promise<unknown> {
    try {
      if (route.target === 'job') {
        const { job, latestExecution } = await this.jobs.get(namespace, id);
        return toJobView(job, latestExecution);
      }
      if (route.target === 'workflow') {
        return await this.workflows.get(namespace, id);
      }
    } catch {
      // The route itself answers for a target that does not exist.
    }
    return null;
  }
}

function redact(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).filter(([name]) => !SECRETS.has(name)));
}
