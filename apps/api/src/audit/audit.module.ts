import { AuditRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { RefusalAudit } from './refusal-audit.js';

/**
 * The audit log: read through `GET /v1/audit`; changes write their entries themselves (see
 * auditEntry), refused requests through RefusalAudit, which the problem filter calls.
 */
@Module({
  imports: [DatabaseModule.forFeature([AuditRepository])],
  controllers: [AuditController],
  providers: [AuditService, RefusalAudit],
  exports: [RefusalAudit],
})
export class AuditModule {}
