import type { Principal } from '@meridian/domain';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema } from '../common/openapi-schema.js';
import { type WebhookSecretView, webhookSecretViewSchema } from './dto/webhook-secret.view.js';
import { NamespacesService } from './namespaces.service.js';

/** The caller's own namespace (`/v1/namespace`): the secret its outgoing http requests are signed with. */
@ApiTags('namespace')
@Controller('v1/namespace')
@RequiresScope('admin')
export class WebhookSecretController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Get('webhook-secret')
  @ApiOperation({ summary: "The namespace's webhook secret, to verify the signatures of its http requests" })
  @ApiResponse({ status: 200, schema: openApiSchema(webhookSecretViewSchema) })
  webhookSecret(@CurrentPrincipal() principal: Principal): Promise<WebhookSecretView> {
    return this.namespaces.webhookSecret(principal.namespace);
  }

  @Post('webhook-secret/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the webhook secret',
    description: 'Workers sign with the new secret within 30 seconds; until then a receiver should accept both.',
  })
  @ApiResponse({ status: 200, schema: openApiSchema(webhookSecretViewSchema) })
  rotate(@CurrentPrincipal() principal: Principal): Promise<WebhookSecretView> {
    return this.namespaces.rotateWebhookSecret(principal);
  }
}
