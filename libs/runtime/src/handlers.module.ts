import type { MeridianConfig } from '@meridian/config';
import { NamespaceRepository } from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { builtinHandlers, NamespaceHttpSettings, NamespaceTargetGuards, WebhookSigner } from '@meridian/handlers';
import { Module } from '@nestjs/common';

import { DatabaseModule } from './database.module.js';
import { CONFIG } from './tokens.js';

/**
 * The handler catalog, for the worker that runs it and the api that validates jobs against it (an
 * unknown handler is refused at create time). Import it where HandlerRegistry is injected; a static
 * module, so every importer shares one registry.
 */
@Module({
  imports: [DatabaseModule.forFeature([NamespaceRepository])],
  providers: [
    {
      provide: NamespaceHttpSettings,
      useFactory: (namespaces: NamespaceRepository) => new NamespaceHttpSettings(namespaces),
      inject: [NamespaceRepository],
    },
    {
      // Built at boot: a duplicate handler name fails the boot.
      provide: HandlerRegistry,
      useFactory: (config: MeridianConfig, settings: NamespaceHttpSettings) =>
        new HandlerRegistry(
          builtinHandlers({
            http: {
              maxResponseBytes: config.worker.httpMaxResponseBytes,
              targetPolicy: new NamespaceTargetGuards({
                processWide: config.worker.httpAllowedTargets,
                ownRanges: async (namespace) => (await settings.of(namespace)).httpAllowedTargets,
              }),
              signer: new WebhookSigner(settings),
            },
          }),
        ),
      inject: [CONFIG, NamespaceHttpSettings],
    },
  ],
  exports: [HandlerRegistry],
})
export class HandlersModule {}
