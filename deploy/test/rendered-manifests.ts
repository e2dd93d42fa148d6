import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

export const REPOSITORY_ROOT = new URL('../../', import.meta.url).pathname;
export const K8S_ROOT = join(REPOSITORY_ROOT, 'deploy/k8s');

/** The fields of a Kubernetes object these tests read; everything else stays `unknown`. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** kubectl, or a failure that says what is missing: the manifests are never left untested. */
export function kubectlPath(): string {
  // KUBECTL, when set, is the only place looked at: a wrong path fails rather than testing another kubectl.
  const candidates = process.env.KUBECTL ? [process.env.KUBECTL] : ['/usr/bin/kubectl', '/usr/local/bin/kubectl'];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `kubectl not found (looked at ${candidates.join(', ')}): the Kubernetes manifests cannot be rendered ` +
        'and checked. Install kubectl (it bundles kustomize) or set KUBECTL to its path.',
    );
  }
  return found;
}

/** The environments: each folder of deploy/k8s/overlays, whose migrate/ holds its migrations. */
export function environments(): string[] {
  return readdirSync(join(K8S_ROOT, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** `kubectl kustomize <dir>`, parsed: what `kubectl apply -k` would send. */
export function renderKustomization(directory: string): Manifest[] {
  const output = execFileSync(kubectlPath(), ['kustomize', join(K8S_ROOT, directory)], { encoding: 'utf8' });
  return parseAllDocuments(output).map((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${directory} renders invalid YAML: ${document.errors.map(String).join('; ')}`);
    }
    return document.toJS() as Manifest;
  });
}

export function podTemplate(manifest: Manifest): PodTemplate {
  const template = manifest.kind === 'Job' || manifest.kind === 'Deployment' ? manifest.spec?.template : undefined;
  if (!template) {
    throw new Error(`${manifest.kind}/${manifest.metadata.name} has no pod template`);
  }
  return template as PodTemplate;
}

export function byKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

export function named(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind}/${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  }
  return found;
}

/** The value a container gets for `variable` from the ConfigMaps it loads, as the pod would see it. */
export function configValue(manifests: Manifest[], container: Container, variable: string): string | undefined {
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const value = name ? named(manifests, 'ConfigMap', name).data?.[variable] : undefined;
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}
