import type { Principal } from '@meridian/domain';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema } from '../common/openapi-schema.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { AuditService } from './audit.service.js';
import { auditLogPageSchema } from './dto/audit-entry.view.js';
import { type AuditLogQuery, auditLogQuerySchema } from './dto/audit-log.query.js';

/** The namespace's audit log. */
@ApiTags('audit')
@Controller('v1/audit')
@RequiresScope('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Who changed what, and when, newest first',
    description:
      'Every create, change, pause, resume, trigger, backfill, cancel, retry, delete and key change, each ' +
      'committed with its change; and refused requests (auth.refused for a 401, auth.forbidden for a 403), ' +
      'at most AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE per client address and ' +
      'AUDIT_REFUSALS_PER_NAMESPACE_PER_MINUTE per namespace a minute on each api process.',
  })
  @ApiQuery({ name: 'action', required: false, description: 'e.g. job.paused' })
  @ApiQuery({ name: 'targetId', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 20' })
  @ApiResponse({ status: 200, schema: openApiSchema(auditLogPageSchema) })
  list(
    @Query(new ZodValidationPipe(auditLogQuerySchema)) query: AuditLogQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.audit.list(principal.namespace, query);
  }
}
