/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) in a local folder, served on a
 * loopback port by pglite-socket so the service talks to it through `pg` exactly as it talks to
 * a real server, with the same Kysely dialect and migrations. kysely-pglite-dialect is not
 * used: it does not accept PGlite 0.5.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts PGlite over `dataDir` (created when missing; `memory://` keeps it in memory) and
 * serves it on `127.0.0.1` at a free port.
 */
export async function startPglite(dataDir: string): Promise<EmbeddedPostgres> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // One connection: PGlite is a single backend, so a pool larger than one would interleave
  // transactions from different clients on the same session.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const [host = '127.0.0.1', port = ''] = server.getServerConn().split(':');
  return {
    host,
    port: Number(port),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
