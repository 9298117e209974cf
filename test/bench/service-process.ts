/**
 * The built service (`services/inference/dist/main.js`, what `pnpm start` runs) as a child
 * process on a fresh data folder and a free loopback port: for start-up time, resident memory
 * and CPU profiles of the real thing, with nothing of the bench in its process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port.js';
import { repoRoot } from './bench-inputs.js';

export const serviceEntry = path.join(repoRoot, 'services/inference/dist/main.js');

export interface ServiceProcess {
  url: string;
  pid: number;
  /** `performance.now()` when the process was spawned. */
  spawnedAt: number;
  /** Milliseconds from spawn to the first 200 of /api/v1/monitoring/health. */
  startupMs: number;
  /** Resident set size now, in MB (Linux /proc; `ps` elsewhere). */
  rssMb(): Promise<number>;
  /** Threads of the process now (Linux only; NaN elsewhere). */
  threads(): Promise<number>;
  /** SIGINT (graceful shutdown, which also writes a --cpu-prof profile), then removes the data folder. */
  stop(): Promise<void>;
}

async function procStatus(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * Starts the built service with `env` on top of a fresh DATA_DIR and waits until it is healthy.
 * `nodeArgs` are flags for node itself (`--cpu-prof`); `entry` another build of main.js.
 */
export async function startServiceProcess(
  options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number; entry?: string } = {},
): Promise<ServiceProcess> {
  const entry = options.entry ?? serviceEntry;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm build first`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-service-process-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'error',
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = started + (options.timeoutMs ?? 120_000);
  let healthy = false;
  while (!healthy) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the service did not become healthy in time');
    }
    healthy = await fetch(`${url}/api/v1/monitoring/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (!healthy) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const startupMs = performance.now() - started;
  const pid = child.pid as number;
  return {
    url,
    pid,
    spawnedAt: started,
    startupMs,
    async rssMb() {
      const kb = await procStatus(pid, 'VmRSS');
      return kb / 1024;
    },
    threads: () => procStatus(pid, 'Threads'),
    async stop() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
