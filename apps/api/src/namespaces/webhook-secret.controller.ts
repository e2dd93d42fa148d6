import type { Principal } from '@meridian/domain';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { ApiJsonResponse } from '../openapi/operation-decorators.js';
import type { WebhookSecretView } from './dto/webhook-secret.view.js';
import { NamespacesService } from './namespaces.service.js';

/** The caller's own namespace (`/v1/namespace`): the secret its outgoing http requests are signed with. */
@ApiTags('namespace')
@Controller('v1/namespace')
@RequiresScope('admin')
export class WebhookSecretController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Get('webhook-secret')
  @ApiOperation({
    operationId: 'getWebhookSecret',
    summary: "The namespace's webhook secret, to verify the signatures of its http requests",
    description: 'A receiver checks the signature header with it (verifyWebhook of @meridian/handler-sdk).',
  })
  @ApiJsonResponse(200, 'WebhookSecret', 'The secret and the header its signatures are sent in')
  webhookSecret(@CurrentPrincipal() principal: Principal): Promise<WebhookSecretView> {
    return this.namespaces.webhookSecret(principal.namespace);
  }

  @Post('webhook-secret/rotate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'Replace the webhook secret',
    description: 'Workers sign with the new secret within 30 seconds; until then a receiver should accept both.',
  })
  @ApiJsonResponse(200, 'WebhookSecret', 'The new secret')
  rotate(@CurrentPrincipal() principal: Principal): Promise<WebhookSecretView> {
    return this.namespaces.rotateWebhookSecret(principal);
  }
}
