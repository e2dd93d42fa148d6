import { NamespaceRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { NamespacesController } from './namespaces.controller.js';
import { NamespacesService } from './namespaces.service.js';
import { WebhookSecretController } from './webhook-secret.controller.js';

/**
 * Namespaces' settings: `/v1/namespaces/:name/*` for operators (limits, http targets of any
 * namespace), `/v1/namespace/*` for a namespace's own admins (its webhook secret).
 */
@Module({
  imports: [DatabaseModule.forFeature([NamespaceRepository])],
  controllers: [NamespacesController, WebhookSecretController],
  providers: [NamespacesService],
})
export class NamespacesModule {}
