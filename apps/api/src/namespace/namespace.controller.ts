import { NamespaceRepository } from '@meridian/db';
import type { Principal } from '@meridian/domain';
import { SIGNATURE_HEADER } from '@meridian/handler-sdk';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { z } from 'zod';

import { auditEntry } from '../audit/audit-entry.js';
import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema } from '../common/openapi-schema.js';

const webhookSecretSchema = z.object({
  namespace: z.string(),
  secret: z.string().describe('HMAC-SHA256 key of the signatures on outgoing http requests'),
  header: z.literal(SIGNATURE_HEADER).describe('t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">'),
});

/** The caller's namespace's settings: the secret its outgoing http requests are signed with. */
@ApiTags('namespace')
@Controller('v1/namespace')
@RequiresScope('admin')
export class NamespaceController {
  constructor(
    private readonly namespaces: NamespaceRepository,
    @InjectPinoLogger(NamespaceController.name) private readonly logger: PinoLogger,
  ) {}

  @Get('webhook-secret')
  @ApiOperation({ summary: "The namespace's webhook secret, to verify the signatures of its http requests" })
  @ApiResponse({ status: 200, schema: openApiSchema(webhookSecretSchema) })
  async webhookSecret(@CurrentPrincipal() principal: Principal) {
    const secret = await this.namespaces.webhookSecret(principal.namespace);
    return { namespace: principal.namespace, secret, header: SIGNATURE_HEADER };
  }

  @Post('webhook-secret/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the webhook secret',
    description: 'Workers sign with the new secret within 30 seconds; until then a receiver should accept both.',
  })
  @ApiResponse({ status: 200, schema: openApiSchema(webhookSecretSchema) })
  async rotate(@CurrentPrincipal() principal: Principal) {
    const target = { type: 'namespace', id: principal.namespace } as const;
    const secret = await this.namespaces.rotateWebhookSecret(
      principal.namespace,
      // The entry says the secret changed, never what it is.
      auditEntry(principal, 'webhook_secret.rotated', target, null, {
        namespace: principal.namespace,
        header: SIGNATURE_HEADER,
      }),
    );
    this.logger.info({ namespace: principal.namespace, by: principal.keyId }, 'webhook secret rotated');
    return { namespace: principal.namespace, secret, header: SIGNATURE_HEADER };
  }
}
