import { describe, expect, it } from '@jest/globals';
import type { DatabaseHealthRepository } from '@meridian/db';
import { Readiness } from '@meridian/metrics';
import type { RedisHealthRepository } from '@meridian/runtime';
import type { Response } from 'express';

import { HealthController } from './health.controller.js';

const answering = { ping: () => Promise.resolve() };
const refusing = { ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) };
/** A dependency behind a stalled network: the connection holds, no answer ever comes. */
const silent = { ping: () => new Promise<void>(() => undefined) };

async function readiness(database: { ping(): Promise<void> }, redis: { ping(): Promise<void> }) {
  const sut = new HealthController(
    new Readiness(database as unknown as DatabaseHealthRepository, redis as unknown as RedisHealthRepository),
  );
  let status = 0;
  const response = {
    status: (code: number) => {
      status = code;
      return response;
    },
  };
  const body = await sut.ready(response as unknown as Response);
  return { status, body };
}

describe(HealthController.name, () => {
  it('should be ready when Postgres and Redis answer', async () => {
    expect(await readiness(answering, answering)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { postgres: 'up', redis: 'up' } },
    });
  });

  it('should answer 503 when Postgres refuses connections', async () => {
    expect(await readiness(refusing, answering)).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { postgres: 'down', redis: 'up' } },
    });
  });

  it('should answer 503, rather than never, when Postgres holds the connection and says nothing', async () => {
    expect(await readiness(silent, answering)).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { postgres: 'down', redis: 'up' } },
    });
  });
});
