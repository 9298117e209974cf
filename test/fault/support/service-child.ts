/**
 * The built service (`services/inference/dist/main.js`, what `pnpm start` runs) as a child
 * process the test can SIGKILL and start again on the same database and port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/free-port.js';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const entry = path.join(repoRoot, 'services/inference/dist/main.js');

export interface ServiceChild {
  url: string;
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function createServiceChild(env: Record<string, string>): Promise<ServiceChild> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm build first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  return {
    url,
    async start() {
      child = spawn(process.execPath, [entry], {
        cwd: repoRoot,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      for (let i = 0; i < 1200; i++) {
        if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
        const ok = await fetch(`${url}/api/v1/monitoring/health`)
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill('SIGKILL');
      throw new Error('the service did not become healthy');
    },
    async kill(signal = 'SIGKILL') {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
  };
}
