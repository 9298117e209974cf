/**
 * The built service (`services/inference/dist/main.js`, what `pnpm start` runs) as a child
 * process on a fresh data folder and a free loopback port: for start-up time, resident memory
 * and CPU profiles of the real thing, with nothing of the bench in its process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
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
  /**
   * CPU seconds the process (all its threads: HTTP, sharp, onnxruntime) has used so far, user
   * plus system (Linux /proc; NaN elsewhere). Per image served, it says what a replica costs
   * even when a shared machine's load makes wall-clock throughput meaningless.
   */
  cpuSeconds(): Promise<number>;
  /** SIGINT (graceful shutdown, which also writes a --cpu-prof profile), then removes the data folder. */
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat's times (getconf CLK_TCK; 100 on Linux). */
let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

async function procCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces, so split after its closing paren):
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / ticksPerSecond();
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
      // As `pnpm start` runs it: two glibc malloc arenas instead of 8 per core, so memory freed
      // by the engine's worker threads after a load is reused instead of stranded per thread.
      MALLOC_ARENA_MAX: '2',
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
    cpuSeconds: () => procCpuSeconds(pid),
    async stop() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
