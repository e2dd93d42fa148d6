import { describe, expect, it } from '@jest/globals';

import { isDatabaseUnavailable } from './database-unavailable.js';

/** An error with the fields pg gives a server-side failure. */
const postgresError = (code: string) => Object.assign(new Error('from Postgres'), { code, severity: 'FATAL' });

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['connection exception (08006)', postgresError('08006')],
    ['connection does not exist (08003)', postgresError('08003')],
    ['admin shutdown (57P01)', postgresError('57P01')],
    ['crash shutdown (57P02)', postgresError('57P02')],
    ['cannot connect now (57P03)', postgresError('57P03')],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['the pool waiting too long', new Error('timeout exceeded when trying to connect')],
    ['a connection ended under a query', new Error('Connection terminated unexpectedly')],
    ['a connection that timed out while connecting', new Error('Connection terminated due to connection timeout')],
    ['Prisma: no pooled connection in time (P2024)', Object.assign(new Error('pool timeout'), { code: 'P2024' })],
    [
      "Prisma's driver adapter: a SQLSTATE passed on",
      Object.assign(new Error('adapter'), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P01' } } },
      }),
    ],
    [
      "Prisma's driver adapter: a closed connection",
      Object.assign(new Error('adapter'), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } },
      }),
    ],
    ['a wrapped outage', new Error('could not start', { cause: new Error('Connection terminated unexpectedly') })],
  ])('should take %s for an unavailable database', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', postgresError('23505')],
    ['a serialization failure (40001)', postgresError('40001')],
    ['a statement timeout (57014)', postgresError('57014')],
    ['a Prisma record not found (P2025)', Object.assign(new Error('not found'), { code: 'P2025' })],
    ['an error of the code itself', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something not an error', 'Connection terminated'],
    ['nothing', undefined],
  ])('should not take %s for an unavailable database', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
