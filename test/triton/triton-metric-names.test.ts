/**
 * deploy/'s Triton panels and rules against a real Triton: every `nv_` series the dashboard and
 * the rule files name is on the server's metrics port after an inference. GPU series
 * (`nv_gpu_*`) exist only on GPU nodes, so this CPU machine cannot check them; they are listed
 * as Triton documents them and counted here so none slips in unnoticed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../packages/core/src/engine/engine.js';
import { createTritonEngine } from '../../packages/core/src/engine/triton/triton-engine.js';
import {
  dashboardExpressions,
  exportedNames,
  metricNames,
  readRules,
} from '../integration/support/deploy-files.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const availability = await tritonAvailability();
const suite = availability.available ? describe : describe.skip;
const title = availability.available
  ? "deploy/ names Triton's real metrics"
  : `deploy/ Triton metric names (skipped: ${availability.reason})`;

/** Triton's GPU series, present only with a GPU: the ones deploy/ uses. */
const gpuOnly = new Set(['nv_gpu_utilization', 'nv_gpu_memory_used_bytes']);

suite(title, () => {
  let server: TritonServer;
  let engine: Engine;

  beforeAll(async () => {
    server = await startTritonServer({ name: 'triton-metric-names' });
    engine = await createTritonEngine({ url: server.grpcUrl, startupModels: ['add_sub'] });
  });
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  });

  it('finds every nv_ series of the dashboard and rules on the metrics port', async () => {
    await engine.infer({
      model: 'add_sub',
      inputs: [
        { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([1, 2, 3, 4]) },
        { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([1, 1, 1, 1]) },
      ],
    });
    const exported = exportedNames(
      await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text(),
    );
    const expressions = [
      ...(await dashboardExpressions()).map((e) => e.expr),
      ...(await readRules('recording-rules.yml')).groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...(await readRules('alert-rules.yml')).groups.flatMap((g) => g.rules.map((r) => r.expr)),
    ];
    const named = new Set(expressions.flatMap(metricNames).filter((n) => n.startsWith('nv_')));
    expect(named.size).toBeGreaterThan(5);
    const missing = [...named].filter((n) => !exported.has(n) && !gpuOnly.has(n));
    expect(missing).toEqual([]);
    expect([...named].filter((n) => gpuOnly.has(n)).sort()).toEqual([...gpuOnly].sort());
  });
});
