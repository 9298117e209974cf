/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) in a local folder, in its own
 * worker thread (see pglite-worker.ts for why), served on a loopback port by pglite-socket so
 * the service talks to it through `pg` exactly as it talks to a real server, with the same
 * Kysely dialect and migrations. kysely-pglite-dialect is not used: it does not accept PGlite 0.5.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type PgliteWorkerData, type PgliteWorkerMessage, pgliteWorkerMain } from './pglite-worker.js';

export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** True when a fresh folder was filled from the build's template instead of by initdb. */
  fromTemplate: boolean;
  stop(): Promise<void>;
}

/** Where the build leaves the template (scripts/build-pglite-template.ts); absent when running from source. */
const pgliteTemplateDir = fileURLToPath(new URL('./pglite-template', import.meta.url));

/**
 * Starts PGlite over `dataDir` (created when missing; `memory://` keeps it in memory) in a
 * worker thread and serves it on `127.0.0.1` at a free port.
 */
export async function startPglite(
  dataDir: string,
  options: { templateDir?: string } = {},
): Promise<EmbeddedPostgres> {
  const resolve = createRequire(import.meta.url).resolve;
  const templateDir = options.templateDir ?? pgliteTemplateDir;
  const workerData: PgliteWorkerData = {
    pglitePath: resolve('@electric-sql/pglite'),
    socketPath: resolve('@electric-sql/pglite-socket'),
    dataDir,
    templateDir: existsSync(templateDir) ? templateDir : undefined,
  };
  // esbuild's keepNames (tsx, some bundles) wraps inner functions in `__name(...)`, a helper
  // the worker's scope lacks: give it a no-op one.
  const source = `var __name = (target) => target;\n(${pgliteWorkerMain.toString()})()`;
  const worker = new Worker(source, { eval: true, workerData });
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  const ready = await new Promise<PgliteWorkerMessage>((answer, reject) => {
    worker.once('message', answer);
    worker.once('error', reject);
    void exited.then(() => reject(new Error('the embedded database worker exited while starting')));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (ready.kind !== 'ready') {
    await worker.terminate();
    throw new Error(
      `the embedded database did not start: ${ready.kind === 'failed' ? ready.message : ready.kind}`,
    );
  }
  return {
    host: ready.host,
    port: ready.port,
    fromTemplate: ready.fromTemplate,
    async stop() {
      const stopped = new Promise<void>((done) => worker.once('message', () => done()));
      worker.postMessage({ kind: 'stop' });
      // A worker that does not answer in time is ended anyway: stop must not hang a shutdown.
      await Promise.race([stopped, exited, new Promise((done) => setTimeout(done, 10_000).unref())]);
      await worker.terminate();
    },
  };
}
