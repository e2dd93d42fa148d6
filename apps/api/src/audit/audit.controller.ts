import type { Principal } from '@meridian/domain';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ApiJsonResponse, ApiQueryFrom } from '../openapi/operation-decorators.js';
import { ApiProblems } from '../openapi/problem-responses.js';
import { AuditService } from './audit.service.js';
import { type AuditLogQuery, auditLogQuerySchema } from './dto/audit-log.query.js';

/** The namespace's audit log. */
@ApiTags('audit')
@Controller('v1/audit')
@RequiresScope('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'Who changed what, and when, newest first',
    description:
      'Every create, change, pause, resume, trigger, backfill, cancel, retry, delete and key change, each ' +
      'committed with its change; and refused requests (auth.refused for a 401, auth.forbidden for a 403), ' +
      'at most AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE per client address and ' +
      'AUDIT_REFUSALS_PER_NAMESPACE_PER_MINUTE per namespace a minute on each api process.',
  })
  @ApiQueryFrom(auditLogQuerySchema)
  @ApiJsonResponse(200, 'AuditEntryPage', 'A page of the log')
  @ApiProblems('BadRequest')
  list(
    @Query(new ZodValidationPipe(auditLogQuerySchema)) query: AuditLogQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.audit.list(principal.namespace, query);
  }
}
