import { beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { AuditOf, NamespaceLimits, NamespaceLimitsChange, NamespaceRepository, NewAuditEntry } from '@meridian/db';
import { newId, type Principal } from '@meridian/domain';
import type { PinoLogger } from 'nestjs-pino';

import { NamespacesService } from './namespaces.service.js';

const operator: Principal = { keyId: newId(), keyName: 'ops', namespace: 'default', scopes: ['operator'], root: false };
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** Namespaces' settings in memory; a namespace has none until one is set. */
class FakeNamespaces {
  readonly limitsOf = new Map<string, NamespaceLimits>();
  readonly targetsOf = new Map<string, string[]>();
  readonly secretOf = new Map<string, string>();
  readonly audit: NewAuditEntry[] = [];

  limits(name: string) {
    return Promise.resolve(this.limitsOf.get(name) ?? null);
  }

  setLimits(
    name: string,
    change: NamespaceLimitsChange,
    audit?: AuditOf<{ before: NamespaceLimits | null; after: NamespaceLimits }>,
  ) {
    const before = this.limitsOf.get(name) ?? null;
    const after = { maxConcurrency: null, maxRunsPerMinute: null, maxRecurringJobs: null, ...before, ...change };
    this.limitsOf.set(name, after);
    if (audit !== undefined) {
      this.audit.push(audit({ before, after }));
    }
    return Promise.resolve();
  }

  httpAllowedTargets(name: string) {
    return Promise.resolve(this.targetsOf.get(name) ?? []);
  }

  setHttpAllowedTargets(name: string, ranges: string[], audit?: AuditOf<{ before: string[]; after: string[] }>) {
    const before = this.targetsOf.get(name) ?? [];
    this.targetsOf.set(name, ranges);
    if (audit !== undefined) {
      this.audit.push(audit({ before, after: ranges }));
    }
    return Promise.resolve();
  }

  webhookSecret(name: string) {
    if (!this.secretOf.has(name)) {
      this.secretOf.set(name, `secret-${this.secretOf.size}`);
    }
    return Promise.resolve(this.secretOf.get(name) as string);
  }

  rotateWebhookSecret(name: string, audit?: NewAuditEntry) {
    const secret = `rotated-${newId()}`;
    this.secretOf.set(name, secret);
    if (audit !== undefined) {
      this.audit.push(audit);
    }
    return Promise.resolve(secret);
  }
}

describe(NamespacesService.name, () => {
  let namespaces: FakeNamespaces;
  let sut: NamespacesService;

  beforeEach(() => {
    namespaces = new FakeNamespaces();
    sut = new NamespacesService(
      namespaces as unknown as NamespaceRepository,
      loadConfig({ NAMESPACE_MAX_CONCURRENCY: '50', NAMESPACE_MAX_RECURRING_JOBS: '10' }),
      silent as unknown as PinoLogger,
    );
  });

  describe('limits', () => {
    it('should show the defaults in effect for a namespace without settings', async () => {
      const view = await sut.limits('acme');

      expect(view).toMatchObject({
        namespace: 'acme',
        own: { maxConcurrency: null, maxRunsPerMinute: null, maxRecurringJobs: null },
        effective: { maxConcurrency: 50, maxRecurringJobs: 10 },
      });
    });
  });

  describe('setLimits', () => {
    it('should keep a limit left out, and record namespace.limits_set with the views before and after', async () => {
      await sut.setLimits('acme', { maxConcurrency: 5, maxRecurringJobs: 3 }, operator);

      const view = await sut.setLimits('acme', { maxConcurrency: 7 }, operator);

      expect(view.own).toEqual({ maxConcurrency: 7, maxRunsPerMinute: null, maxRecurringJobs: 3 });
      expect(namespaces.audit[0]).toMatchObject({ action: 'namespace.limits_set', before: null });
      expect(namespaces.audit[1]).toMatchObject({
        namespace: 'default',
        target: { type: 'namespace', id: 'acme' },
        before: { own: { maxConcurrency: 5 } },
        after: { own: { maxConcurrency: 7 }, effective: { maxConcurrency: 7 } },
      });
    });
  });

  describe('setHttpAllowedTargets', () => {
    it('should store each range once and record the ranges before and after', async () => {
      const view = await sut.setHttpAllowedTargets('acme', ['10.0.0.0/8', '10.0.0.0/8'], operator);

      expect(view).toEqual({ namespace: 'acme', own: ['10.0.0.0/8'], processWide: [] });
      expect(namespaces.audit).toEqual([
        expect.objectContaining({
          action: 'namespace.http_allowed_targets_set',
          before: expect.objectContaining({ own: [] }),
          after: expect.objectContaining({ own: ['10.0.0.0/8'] }),
        }),
      ]);
    });
  });

  describe('rotateWebhookSecret', () => {
    it("should replace the caller's secret and record the rotation without the secret", async () => {
      const admin = { ...operator, namespace: 'acme', scopes: ['admin' as const] };
      const before = await sut.webhookSecret('acme');

      const rotated = await sut.rotateWebhookSecret(admin);

      expect(rotated.secret).not.toBe(before.secret);
      expect(await sut.webhookSecret('acme')).toEqual(rotated);
      expect(namespaces.audit).toEqual([
        expect.objectContaining({ namespace: 'acme', action: 'webhook_secret.rotated', before: null }),
      ]);
      expect(JSON.stringify(namespaces.audit)).not.toContain(rotated.secret);
    });
  });
});
