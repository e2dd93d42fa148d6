import { describe, expect, it } from '@jest/globals';
import { JobRepository, OutboxRepository } from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { Repositories } from '@meridian/runtime';
import { useAppModule } from '@meridian/testing';

import { AppModule } from './app.module.js';

describe(AppModule.name, () => {
  const sut = useAppModule((config) => AppModule.forRoot(config));

  it('should boot with the handler catalog it validates jobs against', () => {
    expect(sut().get(HandlerRegistry)).toBeInstanceOf(HandlerRegistry);
  });

  it('should build one instance of each repository its modules share', () => {
    expect(sut().get(Repositories).ifBuilt(JobRepository)).toBe(sut().get(JobRepository));
  });

  it('should not build the outbox repository, which only the scheduler uses', () => {
    expect(sut().get(Repositories).ifBuilt(OutboxRepository)).toBeUndefined();
  });
});
