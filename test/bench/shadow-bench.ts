/**
 * The cost of a shadow experiment to the answers (issue 11): the p50 latency of predict (client
 * side, in process) on the shipped pcb_defect_detector with no experiment, then with version 1
 * shadowing the default 3 on every image, in interleaved rounds on the same service. The shadow
 * runs after each answer on the same CPU, so the ratio is what shadowing costs the line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { createLogger } from '../../services/inference/src/observability/logger.js';
import { startService } from '../../services/inference/src/start-service.js';
import { loadBenchPairs, repoRoot } from './bench-inputs.js';
import { type BenchSection, loadAverage, median, quantile, runWhenMain } from './bench-util.js';

const adminKey = 'bench-admin-key-0123456789abcdefghijklmnop';

export async function runShadowBench(
  options: { requests?: number; rounds?: number } = {},
): Promise<BenchSection> {
  const requests = options.requests ?? 40;
  const rounds = options.rounds ?? 3;
  const start = loadAverage();
  const { pairs, source } = await loadBenchPairs(16);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-shadow-bench-'));
  const config = loadConfig(
    {
      MODEL_REPOSITORY: path.join(repoRoot, 'models'),
      DATA_DIR: path.join(dir, 'data'),
      CHIPQ_ADMIN_KEY: adminKey,
    },
    dir,
  );
  const service = await startService({ config, logger: createLogger('silent'), worker: false });
  const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const predictP50 = async (): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const pair = pairs[i % pairs.length] as (typeof pairs)[number];
      const data = new FormData();
      data.append('image', new Blob([new Uint8Array(pair.image)]), 'image.jpg');
      data.append('reference', new Blob([new Uint8Array(pair.reference)]), 'reference.jpg');
      data.append('model', 'pcb_defect_detector');
      const began = performance.now();
      const response = await service.app.request('/api/v1/inference/predict', { method: 'POST', body: data });
      await response.arrayBuffer();
      times.push(performance.now() - began);
      if (response.status !== 200) throw new Error(`predict answered ${response.status}`);
    }
    return quantile(
      [...times].sort((a, b) => a - b),
      0.5,
    );
  };
  const plain: number[] = [];
  const shadowed: number[] = [];
  try {
    await predictP50(); // warm-up
    for (let round = 0; round < rounds; round += 1) {
      plain.push(await predictP50());
      const created = await service.app.request('/api/v1/experiments', {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          model: 'pcb_defect_detector',
          mode: 'shadow',
          arms: [{ version: '3' }, { version: '1', name: 'shadow' }],
        }),
      });
      const { id } = (await created.json()) as { id: string };
      shadowed.push(await predictP50());
      await service.app.request(`/api/v1/experiments/${id}/stop`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ reason: 'bench round over' }),
      });
      await service.services.shadows.idle();
    }
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const ratios = { shadow_p50_over_plain_p50: median(shadowed.map((s, i) => s / (plain[i] as number))) };
  return {
    title: 'shadow experiment: cost to the answers',
    table:
      `p50 predict ms, plain:    ${plain.map((v) => v.toFixed(1)).join(' ')}\n` +
      `p50 predict ms, shadowed: ${shadowed.map((v) => v.toFixed(1)).join(' ')}\n`,
    ratios,
    notes: [
      `${rounds} interleaved rounds of ${requests} sequential predicts on ${source}; version 1 shadows the default 3 on every image`,
    ],
    loadAverage: { start, end: loadAverage() },
    data: { plain, shadowed },
  };
}

await runWhenMain(import.meta.url, (quick) => runShadowBench(quick ? { requests: 16, rounds: 1 } : {}));
