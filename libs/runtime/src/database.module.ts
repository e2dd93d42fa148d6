import type { MeridianConfig } from '@meridian/config';
import { connectPostgres, type Postgres } from '@meridian/db';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';

import { Repositories } from './repositories.js';
import { REPOSITORY_FACTORIES, type RepositoryClass } from './repository-factories.js';
import { DATABASE, POSTGRES, SQL } from './tokens.js';

/**
 * Postgres for one process. `forRoot` (once, in the app's root module) opens the connections and
 * makes them global; `forFeature([...])` (in each module that needs them) gives that module exactly
 * the repositories it lists, shared across the process (see Repositories).
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: MeridianConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        { provide: POSTGRES, useFactory: () => connectPostgres(config.database) },
        { provide: DATABASE, useFactory: (postgres: Postgres) => postgres.prisma, inject: [POSTGRES] },
        { provide: SQL, useFactory: (postgres: Postgres) => postgres.sql, inject: [POSTGRES] },
        {
          provide: Repositories,
          useFactory: (postgres: Postgres) => new Repositories({ db: postgres.prisma, sql: postgres.sql, config }),
          inject: [POSTGRES],
        },
      ],
      exports: [POSTGRES, DATABASE, SQL, Repositories],
    };
  }

  static forFeature(repositories: readonly RepositoryClass[]): DynamicModule {
    const unknown = repositories.filter((type) => !REPOSITORY_FACTORIES.has(type));
    if (unknown.length > 0) {
      throw new Error(`no factory in REPOSITORY_FACTORIES for ${unknown.map((type) => type.name).join(', ')}`);
    }
    const providers: Provider[] = repositories.map((type) => ({
      provide: type,
      useFactory: (all: Repositories) => all.get(type),
      inject: [Repositories],
    }));
    return { module: DatabaseModule, providers, exports: [...repositories] };
  }
}
