import { AuditRepository } from '@meridian/db';
import type { Principal } from '@meridian/domain';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema } from '../common/openapi-schema.js';
import { parseQuery } from '../common/parse-input.js';
import { pageQuerySchema } from '../jobs/dto/list-jobs.query.js';

const auditQuerySchema = pageQuerySchema.extend({
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/)
    .optional(),
  targetId: z.string().min(1).max(100).optional(),
});

const auditEntrySchema = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  actor: z.object({ keyId: z.string(), name: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  before: z.unknown(),
  after: z.unknown(),
});

/** The namespace's audit log. */
@ApiTags('audit')
@Controller('v1/audit')
@RequiresScope('admin')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

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
  @ApiResponse({
    status: 200,
    schema: openApiSchema(z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() })),
  })
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { cursor, limit, action, targetId } = parseQuery(auditQuerySchema, query);
    const page = await this.audit.list({
      namespace: principal.namespace,
      limit,
      ...(cursor === undefined ? {} : { cursor }),
      ...(action === undefined ? {} : { action }),
      ...(targetId === undefined ? {} : { targetId }),
    });
    return {
      items: page.items.map(({ namespace: _namespace, at, ...entry }) => ({ ...entry, at: at.toISOString() })),
      nextCursor: page.nextCursor,
    };
  }
}
