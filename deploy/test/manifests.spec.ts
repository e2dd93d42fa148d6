import { beforeAll, describe, expect, it } from '@jest/globals';

import { definedMetricNames, metricNamesIn } from './defined-metrics.js';
import {
  byKind,
  configValue,
  environments,
  type Manifest,
  named,
  podTemplate,
  renderKustomization,
} from './rendered-manifests.js';

/** Seconds the worker needs after its drain grace: abort, hand attempts back, write the last batch. */
const DRAIN_MARGIN_SECONDS = 10;
const APP_DEPLOYMENTS = ['meridian-api', 'meridian-scheduler', 'meridian-worker'];

const overlays = environments().map((environment) => `overlays/${environment}`);

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('deploy/k8s', () => {
  it('should have a dev and a production overlay', () => {
    expect(overlays).toEqual(['overlays/dev', 'overlays/production']);
  });

  describe.each(overlays)('%s', (overlay) => {
    let manifests: Manifest[];
    beforeAll(() => {
      manifests = renderKustomization(overlay);
    });

    it('should run the api, the scheduler and the worker, and nothing that migrates', () => {
      expect(byKind(manifests, 'Deployment').map((d) => d.metadata.name)).toEqual(
        expect.arrayContaining(APP_DEPLOYMENTS),
      );
      expect(byKind(manifests, 'Job')).toEqual([]);
    });

    it('should give every container of every Deployment probes, requests and limits', () => {
      for (const deployment of byKind(manifests, 'Deployment')) {
        for (const container of podTemplate(deployment).spec.containers) {
          const where = `${deployment.metadata.name}/${container.name}`;
          expect({ where, liveness: container.livenessProbe?.httpGet?.path }).toEqual({ where, liveness: '/healthz' });
          expect({ where, readiness: container.readinessProbe?.httpGet?.path }).toEqual({
            where,
            readiness: '/readyz',
          });
          for (const resource of ['cpu', 'memory']) {
            expect({ where, resource, request: container.resources?.requests?.[resource] }).toEqual({
              where,
              resource,
              request: expect.any(String),
            });
            expect({ where, resource, limit: container.resources?.limits?.[resource] }).toEqual({
              where,
              resource,
              limit: expect.any(String),
            });
          }
        }
      }
    });

    it('should probe the scheduler and the worker on METRICS_PORT', () => {
      for (const name of ['meridian-scheduler', 'meridian-worker']) {
        const [container] = podTemplate(named(manifests, 'Deployment', name)).spec.containers;
        const port = container?.ports?.find((p) => p.name === container.livenessProbe?.httpGet?.port);
        expect({ name, port: port?.containerPort }).toEqual({
          name,
          port: Number(configValue(manifests, container!, 'METRICS_PORT') ?? 9464),
        });
      }
    });

    it('should run every Deployment as non-root, read-only, with no capability', () => {
      for (const deployment of byKind(manifests, 'Deployment')) {
        const { spec } = podTemplate(deployment);
        expect({ name: deployment.metadata.name, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({
          name: deployment.metadata.name,
          runAsNonRoot: true,
        });
        for (const container of spec.containers) {
          expect(container.securityContext).toMatchObject({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
        }
      }
    });

    it('should cover every Deployment with a PodDisruptionBudget', () => {
      const budgets = byKind(manifests, 'PodDisruptionBudget');
      for (const deployment of byKind(manifests, 'Deployment')) {
        const labels = podTemplate(deployment).metadata.labels;
        const covering = budgets.filter((budget) =>
          matches((budget.spec?.selector as { matchLabels: Record<string, string> }).matchLabels, labels),
        );
        expect({ deployment: deployment.metadata.name, budgets: covering.length }).toEqual({
          deployment: deployment.metadata.name,
          budgets: 1,
        });
      }
    });

    it('should scale the api on CPU with an HPA', () => {
      const [autoscaler, ...others] = byKind(manifests, 'HorizontalPodAutoscaler');
      expect(others).toEqual([]);
      expect(autoscaler?.spec?.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'meridian-api',
      });
      expect(autoscaler?.spec?.metrics).toEqual([
        expect.objectContaining({ resource: expect.objectContaining({ name: 'cpu' }) }),
      ]);
    });

    it('should give the worker more time to stop than its drain grace', () => {
      const worker = podTemplate(named(manifests, 'Deployment', 'meridian-worker'));
      const graceMs = Number(configValue(manifests, worker.spec.containers[0]!, 'WORKER_SHUTDOWN_GRACE_MS') ?? 30_000);
      expect(worker.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
        Math.ceil(graceMs / 1000) + DRAIN_MARGIN_SECONDS,
      );
    });

    it('should scale the worker Deployment, and only it, with a KEDA ScaledObject on defined metrics', () => {
      const scaledObjects = byKind(manifests, 'ScaledObject');
      if (overlay === 'overlays/production') {
        expect(scaledObjects).toHaveLength(1);
      }
      const defined = definedMetricNames();
      for (const scaledObject of scaledObjects) {
        const spec = scaledObject.spec as {
          scaleTargetRef: { kind?: string; name: string };
          minReplicaCount: number;
          maxReplicaCount: number;
          triggers: { type: string; metadata: { query?: string } }[];
        };
        expect(spec.scaleTargetRef).toMatchObject({ name: 'meridian-worker' });
        expect(spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
        expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
        expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
        for (const trigger of spec.triggers.filter((t) => t.type === 'prometheus')) {
          expect(trigger.metadata.query).toContain('waiting|prioritized');
          for (const metric of metricNamesIn(trigger.metadata.query ?? '')) {
            expect({ metric, defined: defined.has(metric) }).toEqual({ metric, defined: true });
          }
        }
      }
    });
  });

  describe.each(overlays)('%s/migrate', (overlay) => {
    it('should hold the migrate Job, in the namespace and image release of its overlay', () => {
      const manifests = renderKustomization(`${overlay}/migrate`);
      const apps = renderKustomization(overlay);
      const job = named(manifests, 'Job', 'meridian-migrate');
      const [container] = podTemplate(job).spec.containers;
      const api = named(apps, 'Deployment', 'meridian-api');
      const apiImage = podTemplate(api).spec.containers[0]?.image ?? '';

      expect(job.metadata.namespace).toBe(api.metadata.namespace);
      expect(container?.image).toBe(apiImage.replace(/api(?=[:@])/, 'migrate'));
      expect(container?.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(byKind(manifests, 'Deployment')).toEqual([]);
    });
  });
});
