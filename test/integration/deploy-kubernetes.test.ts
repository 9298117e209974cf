/**
 * deploy/kubernetes against the Kubernetes schemas (npm `kubernetes-models`) and against what
 * the service and Triton really serve: probe paths answer on the in-process service, ports and
 * names line up between Deployments, Services, the HPA and prometheus.yml, the ConfigMap is a
 * configuration the service accepts, the drain fits the grace period, and Triton runs the GPU
 * config ADR-003 describes.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelConfig } from '@chipq/core/model-repository';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { shutdownDrainMs } from '../../services/inference/src/shutdown-drain.js';
import type { RunningService } from '../../services/inference/src/start-service.js';
import {
  createTestEnvironment,
  type TestEnvironment,
} from '../../services/inference/test/helpers/test-service.js';
import { deployDir, exportedNames } from './support/deploy-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const k8sDir = path.join(deployDir, 'kubernetes');

/** The kinds we ship, each with the kubernetes-models class whose validate() checks it. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

// biome-ignore lint/suspicious/noExplicitAny: manifests are plain YAML, read field by field below.
type Manifest = any;

async function manifests(): Promise<Array<{ file: string; object: Manifest }>> {
  const files = (await readdir(k8sDir)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  const out: Array<{ file: string; object: Manifest }> = [];
  for (const file of files.sort()) {
    for (const doc of parseAllDocuments(await readFile(path.join(k8sDir, file), 'utf8'))) {
      expect(doc.errors, file).toEqual([]);
      out.push({ file, object: doc.toJS() });
    }
  }
  return out;
}

const find = (all: Array<{ object: Manifest }>, kind: string, name: string): Manifest => {
  const hit = all.find((m) => m.object.kind === kind && m.object.metadata.name === name)?.object;
  expect(hit, `${kind}/${name}`).toBeDefined();
  return hit;
};

describe('deploy/kubernetes', () => {
  let all: Array<{ file: string; object: Manifest }>;
  let env: TestEnvironment;
  let service: RunningService;

  beforeAll(async () => {
    all = await manifests();
    env = await createTestEnvironment('pglite');
    service = await env.start();
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it('validates every object against the Kubernetes schemas', () => {
    expect(all.length).toBeGreaterThanOrEqual(14);
    for (const { file, object } of all) {
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${file}: ${object.apiVersion} ${object.kind} has a schema here`).toBeDefined();
      expect(
        () => new (Model as NonNullable<typeof Model>)(object as never).validate(),
        `${file} ${object.kind}/${object.metadata?.name}`,
      ).not.toThrow();
      expect(
        object.metadata.namespace ?? object.metadata.name,
        `${object.kind}/${object.metadata.name} namespace`,
      ).toBe('chipq');
    }
    // The check can fail: a bad object does not validate.
    expect(() =>
      new Deployment({ metadata: { name: 'x' }, spec: { template: {} } } as never).validate(),
    ).toThrow(/selector/);
  });

  it('lists every file in kustomization.yaml', async () => {
    const kustomization = parseYaml(await readFile(path.join(k8sDir, 'kustomization.yaml'), 'utf8'));
    expect(new Set(kustomization.resources)).toEqual(new Set(all.map((m) => m.file)));
  });

  it("probes the service's health endpoints on the port it listens on", async () => {
    const deployment = find(all, 'Deployment', 'chipq-inference');
    const container = deployment.spec.template.spec.containers[0];
    const port = container.ports.find((p: Manifest) => p.name === 'http');
    const config = find(all, 'ConfigMap', 'chipq-inference');
    expect(String(port.containerPort)).toBe(config.data.PORT);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const { path: probePath, port: probePort } = container[probe].httpGet;
      expect(probePort, probe).toBe('http');
      const response = await service.app.request(probePath);
      expect(response.status, `${probe} ${probePath}`).toBe(200);
      expect(((await response.json()) as { live: boolean }).live).toBe(true);
    }
    // Readiness is the full check: it answers 503 when the engine has no READY model.
    expect(container.readinessProbe.httpGet.path).toBe('/api/v1/monitoring/health');
    expect(container.livenessProbe.httpGet.path).toContain('probe=liveness');
  });

  it('gives the service a configuration it accepts, with only variables it reads', async () => {
    const config = find(all, 'ConfigMap', 'chipq-inference').data as Record<string, string>;
    const secret = find(all, 'Secret', 'chipq-secrets').stringData as Record<string, string>;
    const resolved = loadConfig({ ...config, DATABASE_URL: secret.DATABASE_URL }, '/');
    expect(resolved).toMatchObject({
      engine: 'triton',
      tritonServerUrl: 'triton:8001',
      port: 8080,
      modelRepository: '/models',
    });
    const source = await readFile(path.join(root, 'services/inference/src/config/load-config.ts'), 'utf8');
    for (const name of Object.keys(config)) {
      if (!name.startsWith('OTEL_')) expect(source, `${name} is read by loadConfig`).toContain(`${name}:`);
    }
    const deployment = find(all, 'Deployment', 'chipq-inference');
    const secretKeys = deployment.spec.template.spec.containers[0].env.map(
      (e: Manifest) => e.valueFrom.secretKeyRef.key,
    );
    expect(new Set(secretKeys)).toEqual(new Set(Object.keys(secret)));
  });

  it('drains within the grace period: preStop + HTTP drain + batch drain', () => {
    const spec = find(all, 'Deployment', 'chipq-inference').spec.template.spec;
    const preStop = spec.containers[0].lifecycle.preStop.sleep.seconds;
    expect(preStop + (2 * shutdownDrainMs) / 1000).toBeLessThan(spec.terminationGracePeriodSeconds);
  });

  it('scales on a metric the service exports, and keeps a replica through disruptions', async () => {
    const hpa = find(all, 'HorizontalPodAutoscaler', 'chipq-inference');
    const exported = exportedNames(await (await service.app.request('/metrics')).text());
    for (const metric of hpa.spec.metrics) expect(exported).toContain(metric.pods.metric.name);
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'chipq-inference' });
    const pdb = find(all, 'PodDisruptionBudget', 'chipq-inference');
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    const labels = find(all, 'Deployment', 'chipq-inference').spec.template.metadata.labels;
    for (const selector of [
      pdb.spec.selector.matchLabels,
      find(all, 'Service', 'chipq-inference').spec.selector,
    ])
      expect(labels).toMatchObject(selector);
  });

  it('matches prometheus.yml: the headless Services and ports it scrapes', async () => {
    const prometheus = parseYaml(
      await readFile(path.join(deployDir, 'prometheus', 'prometheus.yml'), 'utf8'),
    );
    const job = (name: string) =>
      prometheus.scrape_configs.find((j: Manifest) => j.job_name === name).dns_sd_configs[0];
    for (const [jobName, serviceName, deploymentName, portName] of [
      ['chipq-inference', 'chipq-inference-metrics', 'chipq-inference', 'http'],
      ['triton', 'triton-metrics', 'triton', 'metrics'],
    ] as const) {
      const sd = job(jobName);
      const headless = find(all, 'Service', serviceName);
      expect(headless.spec.clusterIP).toBe('None');
      expect(sd.names).toEqual([`${serviceName}.chipq.svc.cluster.local`]);
      const container = find(all, 'Deployment', deploymentName).spec.template.spec.containers[0];
      const port = container.ports.find((p: Manifest) => p.name === portName);
      expect(sd.port, jobName).toBe(port.containerPort);
    }
    expect(job('chipq-inference').port).toBe(8080);
  });

  it('runs Triton on GPU nodes with the ADR-003 model config', async () => {
    const triton = find(all, 'Deployment', 'triton');
    const spec = triton.spec.template.spec;
    const container = spec.containers[0];
    expect(container.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(
      spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions[0].key,
    ).toBe('nvidia.com/gpu.present');
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--model-repository=/models',
        '--model-control-mode=explicit',
        '--model-config-name=gpu',
        '--metrics-port=8002',
      ]),
    );
    expect(spec.volumes.find((v: Manifest) => v.name === 'models').persistentVolumeClaim.claimName).toBe(
      'chipq-models',
    );
    const portOf = (name: string) => container.ports.find((p: Manifest) => p.name === name).containerPort;
    expect(`--grpc-port=${portOf('grpc')}`).toBe(
      container.args.find((a: string) => a.startsWith('--grpc-port')),
    );
    expect(find(all, 'ConfigMap', 'chipq-inference').data.TRITON_SERVER_URL).toBe(`triton:${portOf('grpc')}`);

    const folder = path.join(root, 'models', 'pcb_defect_detector');
    const gpu = parseModelConfig(await readFile(path.join(folder, 'configs', 'gpu.pbtxt'), 'utf8'));
    const cpu = parseModelConfig(await readFile(path.join(folder, 'config.pbtxt'), 'utf8'));
    expect(gpu.instanceGroup).toEqual([expect.objectContaining({ count: 2, kind: 'KIND_GPU' })]);
    expect(gpu.maxBatchSize).toBe(32);
    expect(gpu.dynamicBatching).toMatchObject({
      preferredBatchSize: [4, 8, 16],
      maxQueueDelayMicroseconds: 500,
    });
    // Only the instance group differs from the config the embedded engine and CPU Triton use.
    expect({ ...gpu, instanceGroup: [] }).toEqual({ ...cpu, instanceGroup: [] });
  });
});
