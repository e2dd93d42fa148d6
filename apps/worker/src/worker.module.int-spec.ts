import { describe, expect, it } from '@jest/globals';
import { ApiKeyRepository, ExecutionRepository, JobRepository } from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { useAppModule } from '@meridian/testing';

import { WorkerModule } from './worker.module.js';

describe(WorkerModule.name, () => {
  const sut = useAppModule((config) => WorkerModule.forRoot(config));

  it('should boot with the handler catalog and the repositories a run needs', () => {
    expect(sut().get(HandlerRegistry)).toBeInstanceOf(HandlerRegistry);
    expect(sut().get(ExecutionRepository)).toBeInstanceOf(ExecutionRepository);
  });

  it('should not provide the repositories of the api: keys and jobs', () => {
    expect(() => sut().get(ApiKeyRepository)).toThrow();
    expect(() => sut().get(JobRepository)).toThrow();
  });
});
