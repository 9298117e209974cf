/**
 * What runs in the embedded database's worker thread: PGlite and the pglite-socket server that
 * serves it on a loopback port.
 *
 * Why a thread: PGlite is PostgreSQL compiled to WASM and executes every query synchronously on
 * the thread that owns it. On the main thread each insert stalled HTTP parsing, image decoding
 * callbacks and batch windows for its whole duration (the service reached 0.50-0.71 of the bare
 * inspector at 50 clients). In a worker the main thread only speaks the wire protocol through
 * `pg`, exactly as it does to a real server.
 *
 * `pgliteWorkerMain` is shipped to the worker as source text (`Function.prototype.toString`), as
 * core's ONNX worker is, so the build needs no second entry file: it must use only globals
 * (`globalThis.require` included) and what it loads by the absolute paths in `workerData`.
 */
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface PgliteWorkerData {
  /** Resolved CommonJS entry files of @electric-sql/pglite and @electric-sql/pglite-socket. */
  pglitePath: string;
  socketPath: string;
  /** A folder, or `memory://`. */
  dataDir: string;
  /** A data folder of a freshly initialised cluster, copied into a fresh folder instead of running initdb. */
  templateDir: string | undefined;
}

export type PgliteWorkerMessage =
  | { kind: 'ready'; host: string; port: number; fromTemplate: boolean }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

export function pgliteWorkerMain(): void {
  const load = (globalThis as unknown as { require: NodeJS.Require }).require;
  const threads = load('node:worker_threads') as typeof import('node:worker_threads');
  const fs = load('node:fs') as typeof import('node:fs');
  const path = load('node:path') as typeof import('node:path');
  const port = threads.parentPort as import('node:worker_threads').MessagePort;
  const data = threads.workerData as PgliteWorkerData;
  const { PGlite: Pglite } = load(data.pglitePath) as { PGlite: typeof PGlite };
  const { PGLiteSocketServer: SocketServer } = load(data.socketPath) as {
    PGLiteSocketServer: typeof PGLiteSocketServer;
  };
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;

  const start = async () => {
    const inMemory = data.dataDir.startsWith('memory://');
    if (!inMemory) fs.mkdirSync(data.dataDir, { recursive: true });
    // A fresh folder starts as a copy of the template (initdb's result, made by the build):
    // initdb in WASM takes seconds and leaves hundreds of MB of garbage behind, a copy neither.
    const fresh = !inMemory && !fs.existsSync(path.join(data.dataDir, 'PG_VERSION'));
    const template =
      fresh && data.templateDir && fs.existsSync(path.join(data.templateDir, 'PG_VERSION'))
        ? data.templateDir
        : undefined;
    if (template) await fs.promises.cp(template, data.dataDir, { recursive: true });
    // PostgreSQL's default 128 MB of shared buffers live in the WASM heap, which never shrinks:
    // 16 MB holds this service's working set (recent results) and saves ~140 MB of resident memory.
    const options: PGliteOptions = { postgresqlconf: ['shared_buffers=16MB', 'wal_buffers=1MB'] };
    db = await Pglite.create(data.dataDir, options);
    // One connection: PGlite is a single backend, so a pool larger than one would interleave
    // transactions from different clients on the same session.
    server = new SocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const [host = '127.0.0.1', listening = ''] = server.getServerConn().split(':');
    port.postMessage({ kind: 'ready', host, port: Number(listening), fromTemplate: template !== undefined });
  };

  port.on('message', async (message: { kind: 'stop' }) => {
    if (message.kind !== 'stop') return;
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    port.postMessage({ kind: 'stopped' });
  });
  start().catch(async (error: unknown) => {
    await db?.close().catch(() => undefined);
    port.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  });
}
