/**
 * Opens the service's database: PostgreSQL through a `pg` pool when a URL is given, otherwise
 * embedded PGlite in `dataDir/pglite` with a pool of exactly one connection. Both speak the
 * same protocol, so everything above this module is identical.
 */
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { DatabaseActivity, isDatabaseUnavailable } from './database-availability.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { type EmbeddedPostgres, startPglite } from './start-pglite.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; undefined means embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files (`<dataDir>/pglite`); `memory://` for an in-memory one. */
  dataDir: string;
  /** Schema to use with PostgreSQL (tests use a fresh one per run). Default `public`. */
  schema?: string;
  /** Pool size for PostgreSQL, default 10. PGlite always gets 1. */
  poolSize?: number;
  /** Run migrations before returning, default true. */
  migrate?: boolean;
  /** Called with the seconds each query waited for a pool connection (the metrics' DB pool waits). */
  onPoolWait?: (seconds: number) => void;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** `postgres` or `pglite`: shown by /monitoring/health. */
  kind: 'postgres' | 'pglite';
  /** The pool's connections now: all, idle, and clients waiting for one. */
  poolStats(): { total: number; idle: number; waiting: number };
  /** When the database last answered (health reads it instead of queueing behind the traffic). */
  activity: DatabaseActivity;
  close(): Promise<void>;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let pool: pg.Pool;
  if (options.databaseUrl !== undefined) {
    // A schema other than public (tests use a fresh one per run) is set per connection at
    // start-up, so no query can run before it takes effect.
    const searchPath = options.schema === undefined ? undefined : `-c search_path=${options.schema}`;
    pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      options: searchPath,
    });
  } else {
    const dir = options.dataDir.startsWith('memory://')
      ? options.dataDir
      : path.join(options.dataDir, 'pglite');
    embedded = await startPglite(dir);
    pool = new pg.Pool({
      host: embedded.host,
      port: embedded.port,
      user: 'postgres',
      database: 'postgres',
      max: 1,
    });
  }
  // An idle client whose server went away emits 'error' on the pool; unheard, it would crash the
  // process. The pool drops that client and the next query reconnects (or fails with a 503).
  const activity = new DatabaseActivity();
  pool.on('error', () => activity.unreachable());
  // A checked-out client (inside a transaction, between statements) has no pool listener: its
  // 'error' on a server shutdown would be an uncaught exception. The statement fails instead.
  pool.on('connect', (client) => client.on('error', () => activity.unreachable()));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: timedPool(pool, options.onPoolWait) }),
    log(event) {
      if (event.level === 'error' && isDatabaseUnavailable(event.error)) activity.unreachable();
      else activity.answered();
    },
  });
  const close = async () => {
    await db.destroy();
    await embedded?.stop();
  };
  try {
    if (options.migrate !== false) await migrateToLatest(db, options.schema);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    db,
    kind: embedded ? 'pglite' : 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    activity,
    close,
  };
}

/** The pool as Kysely sees it, timing each wait for a connection (PGlite has one, so waits show). */
function timedPool(pool: pg.Pool, onWait: ((seconds: number) => void) | undefined) {
  if (onWait === undefined) return pool;
  return {
    async connect() {
      const started = performance.now();
      const client = await pool.connect();
      onWait((performance.now() - started) / 1000);
      return client;
    },
    end: () => pool.end(),
  };
}
