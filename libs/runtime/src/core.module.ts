import type { MeridianConfig } from '@meridian/config';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

import type { Component } from './component.js';
import { ConnectionsLifecycle } from './connections.lifecycle.js';
import { REDACTED, REDACTED_LOG_PATHS } from './log-redaction.js';
import { CONFIG } from './tokens.js';

/**
 * What every Meridian process has: its validated configuration (CONFIG, global), its pino logger,
 * and the shutdown that closes its connections last. Imported once, in the app's root module, beside
 * DatabaseModule.forRoot and QueueModule.forRoot, whose connections ConnectionsLifecycle closes.
 */
@Module({})
export class CoreModule {
  static forRoot(config: MeridianConfig, component: Component): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: `meridian-${component}`,
            level: config.logLevel,
            // Request logs only where there are requests; health probes would drown everything else.
            autoLogging:
              component === 'api' ? { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' } : false,
            // What a request log needs, and no more: serialising every header cost a tenth of the
            // api's CPU per create, and headers carry API keys, which never belong in a log.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
          },
        }),
      ],
      providers: [{ provide: CONFIG, useValue: config }, ConnectionsLifecycle],
      exports: [CONFIG],
    };
  }
}
