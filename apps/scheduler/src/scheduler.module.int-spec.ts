import { describe, expect, it } from '@jest/globals';
import { ApiKeyRepository, OutboxRepository } from '@meridian/db';
import { HandlerRegistry } from '@meridian/handler-sdk';
import { useAppModule } from '@meridian/testing';

import { RecurrenceService } from './recurrence/recurrence.service.js';
import { SchedulerModule } from './scheduler.module.js';

describe(SchedulerModule.name, () => {
  const sut = useAppModule((config) => SchedulerModule.forRoot(config));

  it('should boot with its services and the repositories they use', () => {
    expect(sut().get(RecurrenceService)).toBeInstanceOf(RecurrenceService);
    expect(sut().get(OutboxRepository)).toBeInstanceOf(OutboxRepository);
  });

  it('should provide neither the handler catalog nor the api keys, which it never uses', () => {
    expect(() => sut().get(HandlerRegistry)).toThrow();
    expect(() => sut().get(ApiKeyRepository)).toThrow();
  });
});
