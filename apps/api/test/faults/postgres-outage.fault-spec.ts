import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { adminDatabaseUrl, expectCleanHistory, FaultProxy, useStack, waitFor } from '@meridian/testing';

import { DirectDatabase, OUTAGE_MS, report } from './fault-support.js';

jest.setTimeout(120_000);

/** Clients creating jobs at once, each one request after the other. */
const CLIENTS = 20;
/** Load before the cut, and after /readyz is back, so both sides of the outage are seen. */
const STEADY_MS = 3000;
/** A client's pause after a 503, as a client honouring Retry-After would pause (shortened). */
const PAUSE_AFTER_503_MS = 250;

interface Tally {
  created: string[];
  unavailable: number;
  /** Every other answer (or a request that got none), which the API must never give. */
  unexpected: string[];
  createdAfterRestore: number;
}

/**
 * Scenario 7: Postgres goes away from every process (the proxy between them and it cuts every
 * connection and refuses new ones) while clients keep creating jobs, then comes back. The API
 * answers each create it cannot store with a 503 and Retry-After, never a 500; /readyz says it is not
 * ready; workers stop taking work and the scheduler backs off; once Postgres is back, everything
 * resumes by itself and every acknowledged job runs to one success.
 */
describe('Postgres unreachable under a steady create load', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    const postgres = new URL(adminDatabaseUrl());
    proxy = await FaultProxy.start({ host: postgres.hostname, port: Number(postgres.port || 5432) });
  });
  const ctx = useStack(() => ({ route: { postgres: proxy } }));
  let db: DirectDatabase | undefined;

  afterAll(async () => {
    proxy.restore();
    await db?.end();
  });
  afterAll(async () => {
    await proxy.close();
  }, 60_000);

  it('should answer 503 with Retry-After while it lasts, never 500, and run every acknowledged job once back', async () => {
    db = new DirectDatabase(ctx.stack.database.url);
    const tally: Tally = { created: [], unavailable: 0, unexpected: [], createdAfterRestore: 0 };
    let restoredAt: number | null = null;
    let loading = true;

    const client = async (n: number) => {
      for (let i = 0; loading; i += 1) {
        try {
          const response = await ctx.api.request<{ id?: string }>(
            'POST',
            '/v1/jobs',
            { name: `steady-${n}-${i}`, handler: 'noop' },
            { Prefer: 'return=minimal' },
          );
          if (response.status === 201 && typeof response.body.id === 'string') {
            tally.created.push(response.body.id);
            if (restoredAt !== null) {
              tally.createdAfterRestore += 1;
            }
          } else if (
            response.status === 503 &&
            response.headers.get('content-type')?.startsWith('application/problem+json') === true &&
            Number(response.headers.get('retry-after')) > 0
          ) {
            tally.unavailable += 1;
            await sleep(PAUSE_AFTER_503_MS);
          } else {
            tally.unexpected.push(`${response.status} ${JSON.stringify(response.body)}`);
          }
        } catch (error) {
          tally.unexpected.push(`no answer: ${String(error)}`);
        }
      }
    };
    const readiness: { at: number; status: number }[] = [];
    const watchReadiness = async () => {
      while (loading) {
        const response = await fetch(`${ctx.stack.apiUrl}/readyz`).catch(() => null);
        readiness.push({ at: Date.now(), status: response?.status ?? 0 });
        await response?.body?.cancel();
        await sleep(100);
      }
    };

    const load = [...Array.from({ length: CLIENTS }, (_, n) => client(n)), watchReadiness()];
    await sleep(STEADY_MS);
    const createdBeforeCut = tally.created.length;
    proxy.cut();
    const cutAt = Date.now();
    await sleep(OUTAGE_MS);
    const unavailableDuringOutage = tally.unavailable;
    proxy.restore();
    const restored = Date.now();
    restoredAt = restored;
    const ready = await waitFor(
      () => Promise.resolve(readiness.find((probe) => probe.at > restored && probe.status === 200)),
      { timeoutMs: 30_000, what: '/readyz to answer 200 again' },
    );
    await waitFor(() => Promise.resolve(tally.createdAfterRestore >= CLIENTS || undefined), {
      timeoutMs: 30_000,
      what: 'creates to succeed again',
    });
    await sleep(STEADY_MS);
    loading = false;
    await Promise.all(load);

    const history = await expectCleanHistory(ctx.stack.database.url, {
      acknowledgedJobIds: tally.created,
      timeoutMs: 60_000,
    });
    const readyDuringOutage = readiness.filter((probe) => probe.at > cutAt + 1000 && probe.at < restored);
    report('postgres outage', {
      outageMs: OUTAGE_MS,
      clients: CLIENTS,
      created201: tally.created.length,
      createdBeforeCut,
      createdAfterRestore: tally.createdAfterRestore,
      unavailable503: tally.unavailable,
      unavailable503DuringOutage: unavailableDuringOutage,
      readyzRecoverySeconds: (ready.at - restored) / 1000,
      counts: history.counts,
    });

    expect(tally.unexpected).toEqual([]);
    expect(unavailableDuringOutage).toBeGreaterThan(0);
    expect(readyDuringOutage.length).toBeGreaterThan(0);
    expect(readyDuringOutage.filter((probe) => probe.status !== 503)).toEqual([]);
    expect(await db.statusCounts(tally.created)).toEqual({ SUCCEEDED: tally.created.length });
    for (const app of Object.values(ctx.stack.apps)) {
      expect({ app: app.name, exitCode: app.child.exitCode }).toEqual({ app: app.name, exitCode: null });
    }
  });
});
