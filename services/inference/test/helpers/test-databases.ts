/**
 * The two databases every integration suite runs against: embedded PGlite (in memory) and the
 * real PostgreSQL at 127.0.0.1:5432 (database `test`, trust auth) in a fresh schema that is
 * dropped afterwards. PostgreSQL is skipped, with a message, when nothing listens there.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { type OpenedDatabase, openDatabase } from '../../src/db/open-database.js';

export const postgresUrl = process.env.CHIPQ_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when something accepts TCP connections at the test PostgreSQL's host and port. */
export async function postgresReachable(url = postgresUrl): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const hasPostgres = await postgresReachable();
if (!hasPostgres) console.warn(`[chipq] PostgreSQL suites skipped: nothing listens at ${postgresUrl}`);

export interface TestDatabase extends OpenedDatabase {
  /** Options that reopen the same database (a second app on the same data). */
  reopen(): Promise<OpenedDatabase>;
  /** Drops the schema (PostgreSQL) and closes everything. */
  dispose(): Promise<void>;
}

/** A fresh, migrated PostgreSQL schema. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const schema = `chipq_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const open = () => openDatabase({ databaseUrl: postgresUrl, dataDir: '', schema, poolSize: 8 });
  const drop = async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  };
  const opened = await open().catch(async (error: unknown) => {
    await drop();
    throw error;
  });
  return {
    ...opened,
    reopen: open,
    async dispose() {
      await opened.close();
      await drop();
    },
  };
}

/** A fresh, migrated PGlite in `dataDir` (a temporary folder so a second app can reopen it). */
export async function createPgliteDatabase(dataDir: string): Promise<TestDatabase> {
  const open = () => openDatabase({ dataDir });
  const opened = await open();
  return { ...opened, reopen: open, dispose: () => opened.close() };
}

export type DatabaseKind = 'pglite' | 'postgres';

/** `[kind, skip]` rows for `describe.each` / `describe.skipIf`. */
export const databaseKinds: Array<{ kind: DatabaseKind; skip: boolean }> = [
  { kind: 'pglite', skip: false },
  { kind: 'postgres', skip: !hasPostgres },
];
