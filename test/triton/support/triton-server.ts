/**
 * Starts and stops a real Triton Inference Server for the `triton` test project: the binary that
 * scripts/triton/install.sh puts in .triton/, launched by scripts/triton/up.sh on free loopback
 * ports over a Python-backend copy of a model repository (make-triton-repository.ts).
 *
 * `tritonAvailability()` decides at collection time whether the suites run: outside CI a machine
 * without the install skips them with the reason; in CI (`CI` set, where .ci/run installs first)
 * a missing server is an error, never a silent skip.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePorts } from '../../support/free-port.js';
import { makeTritonRepository } from './make-triton-repository.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const scripts = join(root, 'scripts/triton');
const tmp = join(root, 'test/.tmp');

export type Availability = { available: true } | { available: false; reason: string };

/** Installs Triton if needed (idempotent, ~1 min the first time) and says whether tests can use it. */
export async function tritonAvailability(): Promise<Availability> {
  if (
    !existsSync(join(root, '.triton/installed.sha256')) &&
    !process.env.CI &&
    !process.env.CHIPQ_TRITON_INSTALL
  ) {
    return {
      available: false,
      reason: 'Triton is not installed: run scripts/triton/install.sh (or set CHIPQ_TRITON_INSTALL=1)',
    };
  }
  try {
    await promisify(execFile)('bash', [join(scripts, 'install.sh')], { timeout: 600_000 });
    return { available: true };
  } catch (error) {
    const reason = `scripts/triton/install.sh failed: ${(error as Error).message}`;
    if (process.env.CI) throw new Error(reason);
    return { available: false, reason };
  }
}

export interface TritonServer {
  /** gRPC endpoint, `127.0.0.1:<port>`. */
  grpcUrl: string;
  httpPort: number;
  metricsPort: number;
  /** The Python-backend repository the server serves. */
  repository: string;
  logFile: string;
  /** Stops the server: SIGTERM (drains, then SIGKILL after 30 s), or SIGKILL to simulate a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same ports, loading `loadModels` at startup. */
  restart(loadModels?: string[]): Promise<void>;
}

export interface StartOptions {
  /** ONNX model repository (or repositories, merged) to serve. Default: test/fixtures/models. */
  source?: string | readonly string[];
  /** Name of the generated repository under test/.tmp. Default: `triton-<grpc port>`. */
  name?: string;
  /** Models loaded at startup (`--load-model`). Default: none. */
  loadModels?: string[];
}

/** Converts the repository, starts Triton on free ports and resolves when it answers /v2/health/live. */
export async function startTritonServer(options: StartOptions = {}): Promise<TritonServer> {
  const [grpcPort, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  const repository = join(tmp, options.name ?? `triton-${grpcPort}`);
  await makeTritonRepository(options.source ?? join(root, 'test/fixtures/models'), repository);
  mkdirSync(tmp, { recursive: true });
  const logFile = join(tmp, `tritonserver-${grpcPort}.log`);
  let child: ChildProcess | undefined;
  let shmBefore = new Set<string>();

  const start = async (loadModels: string[]) => {
    const log = openSync(logFile, 'a');
    const args = [
      join(scripts, 'up.sh'),
      repository,
      '--grpc-port',
      String(grpcPort),
      '--http-port',
      String(httpPort),
    ];
    args.push('--metrics-port', String(metricsPort), '--', '--exit-timeout-secs=10');
    for (const model of loadModels) args.push(`--load-model=${model}`);
    // up.sh ends in `exec tritonserver`, so this pid is the server's; detached makes it the
    // leader of a process group that also holds its Python backend stubs.
    shmBefore = shmRegions();
    child = spawn('bash', args, { stdio: ['ignore', log, log], detached: true });
    await waitUntilLive(child, httpPort, logFile);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    if (signal === 'SIGKILL') {
      // A killed server cannot stop its stubs or unlink their shared memory: do it for it.
      killGroup(running.pid);
      for (const region of shmRegions())
        if (!shmBefore.has(region)) rmSync(join('/dev/shm', region), { force: true });
    }
  };

  await start(options.loadModels ?? []);
  return {
    grpcUrl: `127.0.0.1:${grpcPort}`,
    httpPort,
    metricsPort,
    repository,
    logFile,
    stop,
    restart: async (loadModels = []) => {
      await stop();
      await start(loadModels);
    },
  };
}

/** The Python backend's shared memory regions in /dev/shm. */
function shmRegions(): Set<string> {
  if (!existsSync('/dev/shm')) return new Set();
  return new Set(
    readdirSync('/dev/shm').filter((name) => name.startsWith('triton_python_backend_shm_region_')),
  );
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

async function waitUntilLive(child: ChildProcess, httpPort: number, logFile: string): Promise<void> {
  // Startup takes 1-3 s here; the bound only stops a hung server from hanging the suite.
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`tritonserver exited with ${child.exitCode} during startup; see ${logFile}`);
    const live = await fetch(`http://127.0.0.1:${httpPort}/v2/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  killGroup(child.pid);
  throw new Error(`tritonserver did not become live within 60 s; see ${logFile}`);
}
