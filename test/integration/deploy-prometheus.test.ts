/**
 * deploy/prometheus with the real Prometheus (Debian's `prometheus` package, 2.42, with
 * promtool): the rule files pass `promtool check rules` and their unit tests
 * (`promtool test rules`), the scrape config passes `promtool check config`, and a real
 * Prometheus on a free loopback port scrapes the in-process service over HTTP and answers a
 * recording rule through its query API; with the shipped alert rules loaded, a control-chart
 * anomaly in the service (the defect rate of its images collapsing after a baseline of defective
 * ones) makes ChipqAnomalyDetected fire in that Prometheus. Outside CI a machine without Prometheus skips with
 * the reason; in CI (where .ci/run installs it) a missing binary fails.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Listening, listen } from '../../services/inference/src/listen.js';
import type { RunningService } from '../../services/inference/src/start-service.js';
import { tempDir } from '../../services/inference/test/helpers/temp-dir.js';
import {
  createTestEnvironment,
  type TestEnvironment,
} from '../../services/inference/test/helpers/test-service.js';
import { waitFor } from '../../services/inference/test/helpers/wait-for.js';
import { freePort } from '../support/free-port.js';
import { deployDir, readRules } from './support/deploy-files.js';
import { predictForm, undamagedForm } from './support/predict-form.js';

const run = promisify(execFile);
const rulesDir = path.join(deployDir, 'prometheus');

async function installed(binary: string): Promise<boolean> {
  try {
    await run(binary, ['--version']);
    return true;
  } catch {
    return false;
  }
}

const present = (await installed('promtool')) && (await installed('prometheus'));
if (!present && process.env.CI)
  throw new Error('prometheus/promtool missing in CI: .ci/run installs the apt package `prometheus`');
if (!present)
  console.warn(
    "skipping deploy/prometheus tests: install Debian's `prometheus` package (apt-get install -y prometheus)",
  );

describe.skipIf(!present)('promtool', () => {
  it('checks the rule files and the scrape config', async () => {
    const { stdout } = await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: rulesDir });
    expect(stdout).toContain('SUCCESS: 9 rules found');
  });

  it("passes the alert rules' unit tests", async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'tests/alert-rules.test.yml'], {
      cwd: rulesDir,
    });
    expect(stdout).toContain('SUCCESS');
  });
});

describe.skipIf(!present)('a real Prometheus scraping the service', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let listening: Listening;
  let prometheus: ChildProcess | undefined;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let api: string;

  beforeAll(async () => {
    // Small control charts, so a few dozen images learn a baseline and move a chart.
    env = await createTestEnvironment('pglite', undefined, {
      ANOMALY_BASELINE_IMAGES: '20',
      ANOMALY_SUBGROUP_SIZE: '2',
      ANOMALY_DRIFT_WINDOW: '10',
    });
    service = await env.start();
    listening = await listen(service.app.fetch, { port: 0, hostname: '127.0.0.1' });
    dir = await tempDir('chipq-prometheus-');
    // The shipped recording and alert rules, evaluated every second instead of every 30 s.
    for (const file of ['recording-rules.yml', 'alert-rules.yml'] as const) {
      const rules = await readRules(file);
      for (const group of rules.groups) Object.assign(group, { interval: '1s' });
      await writeFile(path.join(dir.path, file), stringify(rules));
    }
    await writeFile(
      path.join(dir.path, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: ['recording-rules.yml', 'alert-rules.yml'],
        scrape_configs: [
          { job_name: 'chipq-inference', static_configs: [{ targets: [`127.0.0.1:${listening.port}`] }] },
        ],
      }),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir.path, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined))?.ok ? true : undefined,
      'Prometheus to be ready',
      600,
      100,
    );
  });

  afterAll(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await listening?.close();
    await service?.stop();
    await env?.dispose();
    await dir?.remove();
  });

  async function query(
    promql: string,
  ): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const response = await fetch(`${api}/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { result: [] } };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  const predict = async (form = predictForm()) => {
    const response = await fetch(`${listening.url}/api/v1/inference/predict`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
  };

  it('scrapes the service and evaluates a recording rule over what it scraped', async () => {
    await predict();
    // Keep images flowing until the 5-minute rate over the scraped counter is above zero.
    const recorded = await waitFor(
      async () => {
        await predict();
        const result = await query('chipq:inference_requests:rate5m{status="success"}');
        return Number(result[0]?.value[1]) > 0 ? result : undefined;
      },
      'the recording rule to have a positive rate',
      90,
      1000,
    );
    expect(recorded[0]?.metric).toMatchObject({
      model_name: 'diff_detector',
      model_version: '1',
      status: 'success',
    });
    const up = await query('up{job="chipq-inference"}');
    expect(up[0]?.value[1]).toBe('1');
    const stages = await query('chipq:stage_duration_seconds:p95_5m');
    expect(new Set(stages.map((s) => s.metric.stage))).toEqual(
      new Set(['decode', 'preprocess', 'queue', 'infer', 'postprocess', 'store']),
    );
  });

  it('fires ChipqAnomalyDetected when a control chart of the service goes out of control', async () => {
    // Baseline: every image has its defect (the first test's images count too).
    for (let i = 0; i < 20; i++) await predict();
    const quiet = await query('ALERTS{alertname="ChipqAnomalyDetected"}');
    expect(quiet).toEqual([]);
    // Then the defect disappears from the images: the defect-rate chart leaves its limits.
    for (let i = 0; i < 4; i++) await predict(undamagedForm());
    const firing = await waitFor(
      async () => {
        const result = await query('ALERTS{alertname="ChipqAnomalyDetected",alertstate="firing"}');
        return result.length > 0 ? result : undefined;
      },
      'ChipqAnomalyDetected to fire',
      60,
      500,
    );
    expect(firing[0]?.metric).toMatchObject({
      model_name: 'diff_detector',
      model_version: '1',
      chart: 'defect_rate',
      severity: 'warning',
    });
  });
});
